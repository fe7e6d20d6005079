using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches the element-wise passes of vision_elementwise.cu: fp32 to bf16, and the bias + QuickGELU, bias + GELU and
/// bias-only passes that follow the vision tower's matmuls, in place over bf16 matrices with an even column count.
/// </summary>
public sealed unsafe class VisionElementwiseKernels
{
    private const int Threads = 256;
    private const int MaxBlocks = 8192;

    private readonly CudaDriver _driver;
    private readonly CudaFunction _toBf16;
    private readonly CudaFunction _toF32;
    private readonly CudaFunction _biasQuickGelu;
    private readonly CudaFunction _biasGelu;
    private readonly CudaFunction _biasAdd;

    public VisionElementwiseKernels(CudaDriver driver, CudaModuleHandle module)
    {
        _driver = driver;
        _toBf16 = driver.GetFunction(module, "f32_to_bf16");
        _toF32 = driver.GetFunction(module, "bf16_to_f32");
        _biasQuickGelu = driver.GetFunction(module, "bias_quick_gelu_bf16");
        _biasGelu = driver.GetFunction(module, "bias_gelu_bf16");
        _biasAdd = driver.GetFunction(module, "bias_add_bf16");
    }

    public IReadOnlyList<CudaFunction> Functions => [_toBf16, _toF32, _biasQuickGelu, _biasGelu, _biasAdd];

    public void ToBf16(ulong input, ulong output, long count, CudaStreamHandle stream) => Convert(_toBf16, input, output, count, stream);

    public void ToF32(ulong input, ulong output, long count, CudaStreamHandle stream) => Convert(_toF32, input, output, count, stream);

    private void Convert(CudaFunction function, ulong input, ulong output, long count, CudaStreamHandle stream)
    {
        if (count == 0) return;
        void** args = stackalloc void*[3];
        args[0] = &input;
        args[1] = &output;
        args[2] = &count;
        _driver.Launch(function, Grid(count), new Dim3(Threads), 0, stream, args);
    }

    /// <summary>x = QuickGELU(x + bias) over rows × cols.</summary>
    public void BiasQuickGelu(ulong x, ulong bias, int rows, int cols, CudaStreamHandle stream) => BiasPass(_biasQuickGelu, x, bias, rows, cols, stream);

    /// <summary>x = GELU(x + bias) (erf) over rows × cols.</summary>
    public void BiasGelu(ulong x, ulong bias, int rows, int cols, CudaStreamHandle stream) => BiasPass(_biasGelu, x, bias, rows, cols, stream);

    /// <summary>x = x + bias over rows × cols.</summary>
    public void BiasAdd(ulong x, ulong bias, int rows, int cols, CudaStreamHandle stream) => BiasPass(_biasAdd, x, bias, rows, cols, stream);

    private void BiasPass(CudaFunction function, ulong x, ulong bias, int rows, int cols, CudaStreamHandle stream)
    {
        if (cols <= 0 || cols % 2 != 0) throw new ArgumentOutOfRangeException(nameof(cols), cols, "cols must be positive and even");
        long pairs = (long)rows * cols / 2;
        if (pairs == 0) return;
        void** args = stackalloc void*[4];
        args[0] = &x;
        args[1] = &bias;
        args[2] = &cols;
        args[3] = &pairs;
        _driver.Launch(function, Grid(pairs), new Dim3(Threads), 0, stream, args);
    }

    private static Dim3 Grid(long items) => new((uint)Math.Clamp((items + Threads - 1) / Threads, 1, MaxBlocks));
}
