using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches <c>rmsnorm_residual_bf16</c> (rmsnorm_residual.cu): residual += x, then out = RMSNorm(residual)·weight,
/// all bf16 rows of <c>hidden</c> values, one block per row.
/// </summary>
public sealed unsafe class RmsNormResidualKernel
{
    public const string EntryPoint = "rmsnorm_residual_bf16";

    private readonly CudaDriver _driver;

    public RmsNormResidualKernel(CudaDriver driver, CudaModuleHandle module)
    {
        _driver = driver;
        Function = driver.GetFunction(module, EntryPoint);
    }

    public CudaFunction Function { get; }

    /// <summary>About two bf16 pairs per thread, in whole warps, 32 to 1024 threads.</summary>
    public static int BlockSize(int hidden) => Math.Clamp((hidden / 4 + 31) / 32 * 32, 32, 1024);

    public void Launch(ulong x, ulong residual, ulong weight, ulong output, int rows, int hidden, float eps, CudaStreamHandle stream)
    {
        if (hidden <= 0 || hidden % 2 != 0) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden must be positive and even");
        if (rows == 0) return;
        void** args = stackalloc void*[6];
        args[0] = &x;
        args[1] = &residual;
        args[2] = &weight;
        args[3] = &output;
        args[4] = &hidden;
        args[5] = &eps;
        _driver.Launch(Function, new Dim3((uint)rows), new Dim3((uint)BlockSize(hidden)), 0, stream, args);
    }
}
