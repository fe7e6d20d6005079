using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches <c>rmsnorm_f32_bf16</c> (rmsnorm_f32.cu): out = bf16(RMSNorm(residual)·weight) from the fp32 residual
/// stream, one block per output row; with a row list, output row o normalises input row rows[o].
/// </summary>
public sealed unsafe class RmsNormF32Kernel
{
    public const string EntryPoint = "rmsnorm_f32_bf16";

    private readonly CudaDriver _driver;

    public RmsNormF32Kernel(CudaDriver driver, CudaModuleHandle module)
    {
        _driver = driver;
        Function = driver.GetFunction(module, EntryPoint);
    }

    public CudaFunction Function { get; }

    /// <param name="rows">device int[outputRows] of input rows, or 0 for rows 0..outputRows-1</param>
    public void Launch(ulong residual, ulong weight, ulong output, ulong rows, int outputRows, int hidden, float eps, CudaStreamHandle stream)
    {
        if (hidden <= 0 || hidden % 2 != 0) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden must be positive and even");
        if (outputRows == 0) return;
        void** args = stackalloc void*[6];
        args[0] = &residual;
        args[1] = &weight;
        args[2] = &output;
        args[3] = &rows;
        args[4] = &hidden;
        args[5] = &eps;
        _driver.Launch(Function, new Dim3((uint)outputRows), new Dim3((uint)RmsNormResidualKernel.BlockSize(hidden)), 0, stream, args);
    }
}
