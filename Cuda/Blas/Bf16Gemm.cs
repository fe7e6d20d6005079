using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Blas;

/// <summary>
/// A linear layer's product for one shape, planned once with cuBLASLt: C[M,N] = A[M,K]·W[N,K]ᵀ, all row-major,
/// A and W bf16 (W as PyTorch stores it, [out, in]), products accumulated in fp32. C is bf16 or fp32; with
/// <c>accumulate</c> the product is added to C (C += A·Wᵀ), which lets a projection add itself to an fp32 residual.
/// cuBLAS sees column-major matrices, so this is computed as Cᵀ (N×M) = op_T(W viewed K×N)·(Aᵀ viewed K×M):
/// the "TN" layout, the one cuBLASLt covers best.
/// </summary>
public sealed class Bf16Gemm : IDisposable
{
    private readonly CuBlasLt _lt;
    private readonly CublasLtHandle _handle;
    private readonly CublasLtMatmulDescHandle _desc;
    private readonly CublasLtMatrixLayoutHandle _wLayout;
    private readonly CublasLtMatrixLayoutHandle _aLayout;
    private readonly CublasLtMatrixLayoutHandle _cLayout;
    private readonly CuBlasLt.HeuristicResult _algorithm;

    public Bf16Gemm(CuBlasLt lt, CublasLtHandle handle, int m, int n, int k, long maxWorkspaceBytes,
        CudaDataType output = CudaDataType.R16BF, bool accumulate = false)
    {
        if (output is not (CudaDataType.R16BF or CudaDataType.R32F))
            throw new ArgumentOutOfRangeException(nameof(output), output, "C is bf16 or fp32");
        _lt = lt;
        _handle = handle;
        M = m;
        N = n;
        K = k;
        Output = output;
        Accumulate = accumulate;
        _desc = lt.CreateMatmulDesc(CublasComputeType.F32, CudaDataType.R32F, CublasOperation.T, CublasOperation.N);
        _wLayout = lt.CreateLayout(CudaDataType.R16BF, k, n, k);
        _aLayout = lt.CreateLayout(CudaDataType.R16BF, k, m, k);
        _cLayout = lt.CreateLayout(output, n, m, n);
        using var preference = lt.CreatePreference(maxWorkspaceBytes);
        _algorithm = lt.BestAlgorithm(handle, _desc, _wLayout, _aLayout, _cLayout, _cLayout, preference)
            ?? throw new InvalidOperationException(
                $"cuBLASLt has no bf16 algorithm for M={m} N={n} K={k} within {maxWorkspaceBytes} bytes of workspace");
    }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    /// <summary>The element type of C.</summary>
    public CudaDataType Output { get; }

    /// <summary>Whether C += A·Wᵀ (beta 1) rather than C = A·Wᵀ.</summary>
    public bool Accumulate { get; }

    /// <summary>Workspace the chosen algorithm needs (at most the maximum given to the constructor).</summary>
    public long WorkspaceBytes => (long)_algorithm.WorkspaceSize;

    /// <summary>Floating-point operations of one product (2·M·N·K).</summary>
    public double Flops => 2.0 * M * N * K;

    /// <summary>Queues C = A·Wᵀ (or C += A·Wᵀ) on the stream.</summary>
    public void Run(ulong a, ulong w, ulong c, ulong workspace, long workspaceBytes, CudaStreamHandle stream) =>
        _lt.Matmul(_handle, _desc, 1f, w, _wLayout, a, _aLayout, Accumulate ? 1f : 0f, c, _cLayout, c, _cLayout, _algorithm,
            workspace, workspaceBytes, stream);

    /// <summary>The same product through cuBLAS's GemmEx (the fallback path), on the handle's stream.</summary>
    public static void RunWithCublas(CuBlas blas, CublasHandle handle, int m, int n, int k, ulong a, ulong w, ulong c) =>
        blas.GemmEx(handle, CublasOperation.T, CublasOperation.N, n, m, k, 1f,
            w, CudaDataType.R16BF, k, a, CudaDataType.R16BF, k, 0f, c, CudaDataType.R16BF, n, CublasComputeType.F32);

    public void Dispose()
    {
        _cLayout.Dispose();
        _aLayout.Dispose();
        _wLayout.Dispose();
        _desc.Dispose();
    }
}
