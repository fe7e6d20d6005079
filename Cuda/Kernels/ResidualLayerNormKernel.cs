using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches <c>residual_layernorm_f32</c> (vision_layernorm.cu): x = (accumulate ? x : 0) + delta + bias on the fp32
/// residual stream, then output = LayerNorm(x)·gamma + beta in bf16, one block per row, four values per thread step.
/// </summary>
public sealed unsafe class ResidualLayerNormKernel
{
    public const string EntryPoint = "residual_layernorm_f32";

    private readonly CudaDriver _driver;

    public ResidualLayerNormKernel(CudaDriver driver, CudaModuleHandle module)
    {
        _driver = driver;
        Function = driver.GetFunction(module, EntryPoint);
    }

    public CudaFunction Function { get; }

    /// <summary>About four values per thread, in whole warps, 32 to 1024 threads.</summary>
    public static int BlockSize(int width) => Math.Clamp((width / 4 + 31) / 32 * 32, 32, 1024);

    /// <param name="bias">fp32 bias added with delta, or 0 for none.</param>
    public void Launch(
        ulong x, ulong delta, ulong bias, ulong gamma, ulong beta, ulong output, int rows, int width, bool accumulate, float eps,
        CudaStreamHandle stream)
    {
        if (width <= 0 || width % 4 != 0) throw new ArgumentOutOfRangeException(nameof(width), width, "width must be a positive multiple of 4");
        if (rows == 0) return;
        var add = accumulate ? 1 : 0;
        void** args = stackalloc void*[9];
        args[0] = &x;
        args[1] = &delta;
        args[2] = &bias;
        args[3] = &gamma;
        args[4] = &beta;
        args[5] = &output;
        args[6] = &width;
        args[7] = &add;
        args[8] = &eps;
        _driver.Launch(Function, new Dim3((uint)rows), new Dim3((uint)BlockSize(width)), 0, stream, args);
    }
}
