using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches <c>qkv_bias_rope_cache</c> (qkv_rope_cache.cu): bias + M-RoPE on the fp32 QKV rows, q out as bf16,
/// k and v written as bf16 into the paged cache at each token's slot. One block per token.
/// </summary>
public sealed unsafe class QkvRopeCacheKernel
{
    public const string EntryPoint = "qkv_bias_rope_cache";
    private const int Threads = 128;

    private readonly CudaDriver _driver;

    public QkvRopeCacheKernel(CudaDriver driver, CudaModuleHandle module)
    {
        _driver = driver;
        Function = driver.GetFunction(module, EntryPoint);
    }

    public CudaFunction Function { get; }

    /// <summary>The rotary shape of a model: heads, head dim and where the height and width sections start.</summary>
    public readonly record struct Shape(int Heads, int KvHeads, int HeadDim, int Section1, int Section2)
    {
        public static Shape Of(Runtime.Model.TextConfig c)
        {
            var s = c.MropeSection;
            if (s.Length != 3 || s.Sum() != c.HeadDim / 2)
                throw new ArgumentException($"mrope_section [{string.Join(", ", s)}] must have 3 parts adding up to head_dim/2 = {c.HeadDim / 2}");
            if (c.HeadDim > 512 || c.HeadDim % 2 != 0) throw new ArgumentException($"head_dim {c.HeadDim} must be even and at most 512");
            return new Shape(c.NumHeads, c.NumKvHeads, c.HeadDim, s[0], s[0] + s[1]);
        }
    }

    public void Launch(ulong qkv, ulong bias, ulong positions, ulong slots, ulong inverseFrequency, ulong q, ulong keyCache, ulong valueCache,
        int tokens, Shape shape, CudaStreamHandle stream)
    {
        if (tokens == 0) return;
        int heads = shape.Heads, kvHeads = shape.KvHeads, headDim = shape.HeadDim, section1 = shape.Section1, section2 = shape.Section2;
        void** args = stackalloc void*[14];
        args[0] = &qkv;
        args[1] = &bias;
        args[2] = &positions;
        args[3] = &slots;
        args[4] = &inverseFrequency;
        args[5] = &q;
        args[6] = &keyCache;
        args[7] = &valueCache;
        args[8] = &tokens;
        args[9] = &heads;
        args[10] = &kvHeads;
        args[11] = &headDim;
        args[12] = &section1;
        args[13] = &section2;
        _driver.Launch(Function, new Dim3((uint)tokens), new Dim3(Threads), 0, stream, args);
    }
}
