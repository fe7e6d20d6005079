using QwenVL.Cuda.Handles;

namespace QwenVL.Cuda.Interop;

/// <summary>
/// cuBLAS (libcublas.so.13), bound through function pointers looked up once: GemmEx as the fallback
/// when cuBLASLt's heuristic offers nothing. Matrices are column-major.
/// </summary>
public sealed unsafe class CuBlas
{
    private static readonly Lazy<CuBlas> s_shared = new(() =>
    {
        // libcublas needs libcublasLt; once that is loaded from our search folders the dependency resolves to it.
        _ = CuBlasLt.Shared;
        return new CuBlas(CudaLibraryLocator.Load("cuBLAS", ["libcublas.so.13", "libcublas.so.12"]));
    });

    private readonly delegate* unmanaged<nint*, CublasStatus> _create;
    private readonly delegate* unmanaged<nint, int*, CublasStatus> _getVersion;
    private readonly delegate* unmanaged<nint, nint, CublasStatus> _setStream;
    private readonly delegate* unmanaged<nint, ulong, nuint, CublasStatus> _setWorkspace;
    private readonly delegate* unmanaged<nint, CublasOperation, CublasOperation, int, int, int, void*, ulong, CudaDataType, int,
        ulong, CudaDataType, int, void*, ulong, CudaDataType, int, CublasComputeType, int, CublasStatus> _gemmEx;

    private CuBlas(LoadedLibrary library)
    {
        Library = library;
        _create = (delegate* unmanaged<nint*, CublasStatus>)library.Export("cublasCreate_v2");
        _getVersion = (delegate* unmanaged<nint, int*, CublasStatus>)library.Export("cublasGetVersion_v2");
        _setStream = (delegate* unmanaged<nint, nint, CublasStatus>)library.Export("cublasSetStream_v2");
        _setWorkspace = (delegate* unmanaged<nint, ulong, nuint, CublasStatus>)library.Export("cublasSetWorkspace_v2");
        _gemmEx = (delegate* unmanaged<nint, CublasOperation, CublasOperation, int, int, int, void*, ulong, CudaDataType, int,
            ulong, CudaDataType, int, void*, ulong, CudaDataType, int, CublasComputeType, int, CublasStatus>)library.Export("cublasGemmEx");
    }

    public static CuBlas Shared => s_shared.Value;

    public LoadedLibrary Library { get; }

    /// <summary>A handle bound to the current context; cuBLAS allocates its own workspace unless given one.</summary>
    public CublasHandle Create()
    {
        nint handle;
        CudaException.ThrowIfFailed(_create(&handle), "cublasCreate_v2");
        return new CublasHandle(handle);
    }

    public int Version(CublasHandle handle)
    {
        int version;
        CudaException.ThrowIfFailed(_getVersion(handle.Value, &version), "cublasGetVersion_v2");
        return version;
    }

    public void SetStream(CublasHandle handle, CudaStreamHandle stream) =>
        CudaException.ThrowIfFailed(_setStream(handle.Value, stream.Value), "cublasSetStream_v2");

    /// <summary>Gives cuBLAS a workspace of ours, so it allocates nothing during graph capture.</summary>
    public void SetWorkspace(CublasHandle handle, ulong workspace, long bytes) =>
        CudaException.ThrowIfFailed(_setWorkspace(handle.Value, workspace, (nuint)bytes), "cublasSetWorkspace_v2");

    /// <summary>C = alpha·op(A)·op(B) + beta·C (m×n, inner k), float alpha/beta, default algorithm.</summary>
    public void GemmEx(
        CublasHandle handle, CublasOperation transA, CublasOperation transB, int m, int n, int k, float alpha,
        ulong a, CudaDataType aType, int lda, ulong b, CudaDataType bType, int ldb, float beta,
        ulong c, CudaDataType cType, int ldc, CublasComputeType compute)
    {
        const int GemmDefault = -1; // CUBLAS_GEMM_DEFAULT
        CudaException.ThrowIfFailed(
            _gemmEx(handle.Value, transA, transB, m, n, k, &alpha, a, aType, lda, b, bType, ldb, &beta, c, cType, ldc, compute, GemmDefault),
            "cublasGemmEx");
    }
}
