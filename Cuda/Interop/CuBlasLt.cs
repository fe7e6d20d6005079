using System.Runtime.InteropServices;
using QwenVL.Cuda.Handles;

namespace QwenVL.Cuda.Interop;

/// <summary>
/// cuBLASLt (libcublasLt.so.13), bound through function pointers looked up once: the matmul path for
/// prefill-sized products (bf16 inputs, fp32 accumulation). Matrices are column-major, as cuBLAS sees them.
/// </summary>
public sealed unsafe class CuBlasLt
{
    private static readonly Lazy<CuBlasLt> s_shared =
        new(() => new CuBlasLt(CudaLibraryLocator.Load("cuBLASLt", ["libcublasLt.so.13", "libcublasLt.so.12"])));

    private readonly delegate* unmanaged<nint*, CublasStatus> _create;
    private readonly delegate* unmanaged<nuint> _getVersion;
    private readonly delegate* unmanaged<nint*, CublasComputeType, CudaDataType, CublasStatus> _matmulDescCreate;
    private readonly delegate* unmanaged<nint, MatmulDescAttribute, void*, nuint, CublasStatus> _matmulDescSetAttribute;
    private readonly delegate* unmanaged<nint*, CudaDataType, ulong, ulong, long, CublasStatus> _matrixLayoutCreate;
    private readonly delegate* unmanaged<nint*, CublasStatus> _preferenceCreate;
    private readonly delegate* unmanaged<nint, PreferenceAttribute, void*, nuint, CublasStatus> _preferenceSetAttribute;
    private readonly delegate* unmanaged<nint, nint, nint, nint, nint, nint, nint, int, HeuristicResult*, int*, CublasStatus> _algoGetHeuristic;
    private readonly delegate* unmanaged<nint, nint, void*, ulong, nint, ulong, nint, void*, ulong, nint, ulong, nint, MatmulAlgo*, ulong, nuint, nint, CublasStatus> _matmul;

    private CuBlasLt(LoadedLibrary library)
    {
        Library = library;
        _create = (delegate* unmanaged<nint*, CublasStatus>)library.Export("cublasLtCreate");
        _getVersion = (delegate* unmanaged<nuint>)library.Export("cublasLtGetVersion");
        _matmulDescCreate = (delegate* unmanaged<nint*, CublasComputeType, CudaDataType, CublasStatus>)library.Export("cublasLtMatmulDescCreate");
        _matmulDescSetAttribute = (delegate* unmanaged<nint, MatmulDescAttribute, void*, nuint, CublasStatus>)library.Export("cublasLtMatmulDescSetAttribute");
        _matrixLayoutCreate = (delegate* unmanaged<nint*, CudaDataType, ulong, ulong, long, CublasStatus>)library.Export("cublasLtMatrixLayoutCreate");
        _preferenceCreate = (delegate* unmanaged<nint*, CublasStatus>)library.Export("cublasLtMatmulPreferenceCreate");
        _preferenceSetAttribute = (delegate* unmanaged<nint, PreferenceAttribute, void*, nuint, CublasStatus>)library.Export("cublasLtMatmulPreferenceSetAttribute");
        _algoGetHeuristic = (delegate* unmanaged<nint, nint, nint, nint, nint, nint, nint, int, HeuristicResult*, int*, CublasStatus>)library.Export("cublasLtMatmulAlgoGetHeuristic");
        _matmul = (delegate* unmanaged<nint, nint, void*, ulong, nint, ulong, nint, void*, ulong, nint, ulong, nint, MatmulAlgo*, ulong, nuint, nint, CublasStatus>)library.Export("cublasLtMatmul");
    }

    public static CuBlasLt Shared => s_shared.Value;

    public LoadedLibrary Library { get; }

    /// <summary>The library's version as major*10000 + minor*100 + patch.</summary>
    public long Version() => (long)_getVersion();

    public CublasLtHandle Create()
    {
        nint handle;
        CudaException.ThrowIfFailed(_create(&handle), "cublasLtCreate");
        return new CublasLtHandle(handle);
    }

    /// <summary>A matmul descriptor: products accumulated as <paramref name="compute"/>, alpha/beta of <paramref name="scale"/>.</summary>
    public CublasLtMatmulDescHandle CreateMatmulDesc(CublasComputeType compute, CudaDataType scale, CublasOperation transA, CublasOperation transB)
    {
        nint desc;
        CudaException.ThrowIfFailed(_matmulDescCreate(&desc, compute, scale), "cublasLtMatmulDescCreate");
        var handle = new CublasLtMatmulDescHandle(desc);
        var a = (int)transA;
        var b = (int)transB;
        CudaException.ThrowIfFailed(_matmulDescSetAttribute(desc, MatmulDescAttribute.TransA, &a, sizeof(int)), "cublasLtMatmulDescSetAttribute");
        CudaException.ThrowIfFailed(_matmulDescSetAttribute(desc, MatmulDescAttribute.TransB, &b, sizeof(int)), "cublasLtMatmulDescSetAttribute");
        return handle;
    }

    /// <summary>A column-major layout of <paramref name="rows"/>×<paramref name="columns"/> with leading dimension <paramref name="ld"/>.</summary>
    public CublasLtMatrixLayoutHandle CreateLayout(CudaDataType type, long rows, long columns, long ld)
    {
        nint layout;
        CudaException.ThrowIfFailed(_matrixLayoutCreate(&layout, type, (ulong)rows, (ulong)columns, ld), "cublasLtMatrixLayoutCreate");
        return new CublasLtMatrixLayoutHandle(layout);
    }

    public CublasLtMatmulPreferenceHandle CreatePreference(long maxWorkspaceBytes)
    {
        nint preference;
        CudaException.ThrowIfFailed(_preferenceCreate(&preference), "cublasLtMatmulPreferenceCreate");
        var handle = new CublasLtMatmulPreferenceHandle(preference);
        var bytes = (ulong)maxWorkspaceBytes;
        CudaException.ThrowIfFailed(
            _preferenceSetAttribute(preference, PreferenceAttribute.MaxWorkspaceBytes, &bytes, sizeof(ulong)), "cublasLtMatmulPreferenceSetAttribute");
        return handle;
    }

    /// <summary>The heuristic's best algorithm for D = A·B (C = D in place), or none when no algorithm fits.</summary>
    public HeuristicResult? BestAlgorithm(
        CublasLtHandle lt, CublasLtMatmulDescHandle desc, CublasLtMatrixLayoutHandle a, CublasLtMatrixLayoutHandle b,
        CublasLtMatrixLayoutHandle c, CublasLtMatrixLayoutHandle d, CublasLtMatmulPreferenceHandle preference)
    {
        HeuristicResult result;
        int count;
        CudaException.ThrowIfFailed(
            _algoGetHeuristic(lt.Value, desc.Value, a.Value, b.Value, c.Value, d.Value, preference.Value, 1, &result, &count),
            "cublasLtMatmulAlgoGetHeuristic");
        return count > 0 && result.State == CublasStatus.Success ? result : null;
    }

    /// <summary>D = alpha·op(A)·op(B) + beta·C with float alpha and beta, queued on <paramref name="stream"/>.</summary>
    public void Matmul(
        CublasLtHandle lt, CublasLtMatmulDescHandle desc, float alpha,
        ulong a, CublasLtMatrixLayoutHandle aLayout, ulong b, CublasLtMatrixLayoutHandle bLayout, float beta,
        ulong c, CublasLtMatrixLayoutHandle cLayout, ulong d, CublasLtMatrixLayoutHandle dLayout,
        in HeuristicResult algorithm, ulong workspace, long workspaceBytes, CudaStreamHandle stream)
    {
        var algo = algorithm.Algo;
        CudaException.ThrowIfFailed(
            _matmul(lt.Value, desc.Value, &alpha, a, aLayout.Value, b, bLayout.Value, &beta, c, cLayout.Value, d, dLayout.Value,
                &algo, workspace, (nuint)workspaceBytes, stream.Value),
            "cublasLtMatmul");
    }

    private enum MatmulDescAttribute { TransA = 3, TransB = 4 }

    private enum PreferenceAttribute { MaxWorkspaceBytes = 1 }

    /// <summary>cublasLtMatmulAlgo_t: 64 opaque bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MatmulAlgo
    {
        public fixed ulong Data[8];
    }

    /// <summary>cublasLtMatmulHeuristicResult_t (96 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct HeuristicResult
    {
        public MatmulAlgo Algo;
        public nuint WorkspaceSize;
        public CublasStatus State;
        public float WavesCount;
        public fixed int Reserved[4];
    }
}
