using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches <c>qkv_bias_rotary_bf16</c> (vision_rotary.cu): adds the qkv bias and turns q and k by the vision
/// tower's 2-D rotary, in place, one block per patch.
/// </summary>
public sealed unsafe class QkvRotaryKernel
{
    public const string EntryPoint = "qkv_bias_rotary_bf16";
    private const int Threads = 256;

    private readonly CudaDriver _driver;

    public QkvRotaryKernel(CudaDriver driver, CudaModuleHandle module)
    {
        _driver = driver;
        Function = driver.GetFunction(module, EntryPoint);
    }

    public CudaFunction Function { get; }

    /// <param name="positions">int32 (row, column) per patch.</param>
    /// <param name="inverseFrequency">fp32, headDim/4 values.</param>
    public void Launch(ulong qkv, ulong bias, ulong positions, ulong inverseFrequency, int rows, int width, int headDim, CudaStreamHandle stream)
    {
        if (headDim <= 0 || headDim % 8 != 0 || width % headDim != 0)
            throw new ArgumentException($"head dim {headDim} must be a positive multiple of 8 dividing the width {width}");
        if (rows == 0) return;
        void** args = stackalloc void*[6];
        args[0] = &qkv;
        args[1] = &bias;
        args[2] = &positions;
        args[3] = &inverseFrequency;
        args[4] = &width;
        args[5] = &headDim;
        _driver.Launch(Function, new Dim3((uint)rows), new Dim3(Threads), 0, stream, args);
    }
}
