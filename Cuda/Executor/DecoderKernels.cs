using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;

namespace QwenVL.Cuda.Executor;

/// <summary>The decoder's kernels, compiled (or read from the cubin cache) and loaded once per executor.</summary>
internal sealed class DecoderKernels : IDisposable
{
    private readonly List<CudaModuleHandle> _modules = [];

    public DecoderKernels(CudaDriver driver, KernelCompiler compiler, int headDim)
    {
        try
        {
            Embed = new EmbedKernel(driver, Load(driver, compiler, KernelSources.Embed));
            RmsNorm = new RmsNormF32Kernel(driver, Load(driver, compiler, KernelSources.RmsNormF32));
            QkvRopeCache = new QkvRopeCacheKernel(driver, Load(driver, compiler, KernelSources.QkvRopeCache));
            Attention = new PagedPrefillAttentionKernel(driver, Load(driver, compiler, KernelSources.PagedPrefillAttention), headDim);
            SiluMul = new SiluMulKernel(driver, Load(driver, compiler, KernelSources.SiluMul));
            DecodeAttention = new DecodeAttentionMmaKernel(driver, Load(driver, compiler, KernelSources.DecodeAttentionMma),
                Load(driver, compiler, KernelSources.DecodeAttentionCombine), headDim);
            Gemv = new GemvKernel(driver, Load(driver, compiler, KernelSources.Gemv));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public EmbedKernel Embed { get; }

    public RmsNormF32Kernel RmsNorm { get; }

    public QkvRopeCacheKernel QkvRopeCache { get; }

    /// <summary>Prefill chunks and mixed steps: tensor-core tiles of 64 queries.</summary>
    public PagedPrefillAttentionKernel Attention { get; }

    public SiluMulKernel SiluMul { get; }

    /// <summary>Steps whose sequences each bring one token: split-K attention on tensor cores.</summary>
    public DecodeAttentionMmaKernel DecodeAttention { get; }

    public GemvKernel Gemv { get; }

    /// <summary>Milliseconds NVRTC spent on the files that missed the cubin cache.</summary>
    public double CompileMilliseconds { get; private set; }

    private CudaModuleHandle Load(CudaDriver driver, KernelCompiler compiler, string file)
    {
        var compiled = compiler.Compile(file);
        CompileMilliseconds += compiled.CompileMilliseconds;
        var module = driver.LoadModule(compiled.Cubin);
        _modules.Add(module);
        return module;
    }

    public void Dispose()
    {
        foreach (var module in _modules) module.Dispose();
        _modules.Clear();
    }
}
