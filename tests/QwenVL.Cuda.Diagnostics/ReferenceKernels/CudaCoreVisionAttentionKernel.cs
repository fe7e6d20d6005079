using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;
using QwenVL.Cuda.Vision;

namespace QwenVL.Cuda.Diagnostics.ReferenceKernels;

/// <summary>
/// Launches <c>vision_attention_simple_hdN</c> (ReferenceKernels/vision_attention_simple.cu): the vision tower's
/// attention on CUDA cores in plain fp32, one warp per query. The vision checks put it in the tower's place
/// (<see cref="CudaVisionTower.AttentionOverride"/>) to compare and time the tensor-core kernel against it.
/// </summary>
public sealed unsafe class CudaCoreVisionAttentionKernel : IVisionAttention, IDisposable
{
    private const int Threads = 128;

    private readonly CudaDriver _driver;
    private readonly CudaModuleHandle _module;

    private CudaCoreVisionAttentionKernel(CudaDriver driver, CudaModuleHandle module, int headDim)
    {
        _driver = driver;
        _module = module;
        HeadDim = headDim;
        Function = driver.GetFunction(module, EntryPoint(headDim));
    }

    /// <summary>Compiles (or finds cached) the reference source and loads its kernel for <paramref name="headDim"/>.</summary>
    public static CudaCoreVisionAttentionKernel Load(CudaDriver driver, KernelCompiler compiler, int headDim)
    {
        if (!VisionAttentionKernel.IsSupported(headDim))
            throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "the reference vision attention is built for the production kernel's head dims");
        var module = driver.LoadModule(CheckKernelSources.Compile(compiler, CheckKernelSources.VisionAttentionSimple).Cubin);
        try
        {
            return new CudaCoreVisionAttentionKernel(driver, module, headDim);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    public static string EntryPoint(int headDim) => $"vision_attention_simple_hd{headDim}";

    public CudaFunction Function { get; }

    public int HeadDim { get; }

    public void Launch(ulong qkv, ulong output, ulong tiles, int tileCount, int heads, CudaStreamHandle stream)
    {
        if (tileCount == 0) return;
        int width = heads * HeadDim;
        float scale = VisionAttentionKernel.ScaleLog2(HeadDim);
        void** args = stackalloc void*[5];
        args[0] = &qkv;
        args[1] = &output;
        args[2] = &tiles;
        args[3] = &width;
        args[4] = &scale;
        _driver.Launch(Function, new Dim3((uint)tileCount, (uint)heads), new Dim3(Threads), 0, stream, args);
    }

    public void Dispose() => _module.Dispose();
}
