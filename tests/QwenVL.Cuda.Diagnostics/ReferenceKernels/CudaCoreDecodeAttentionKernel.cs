using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;

namespace QwenVL.Cuda.Diagnostics.ReferenceKernels;

/// <summary>
/// Launches <c>decode_attention_hd*_g*</c> (ReferenceKernels/decode_attention.cu): split-K decode attention on CUDA
/// cores, the kernel the decode check times and compares the tensor-core one with. Same arguments, split rule and
/// partials as <see cref="DecodeAttentionMmaKernel"/>, whose <see cref="DecodeAttentionMmaKernel.Combine"/> merges them.
/// </summary>
public sealed unsafe class CudaCoreDecodeAttentionKernel
{
    private const int Threads = 32;

    private readonly CudaDriver _driver;
    private readonly CudaFunction[] _attention;
    private readonly DecodeAttentionMmaKernel _combine;

    /// <param name="module">ReferenceKernels/decode_attention.cu</param>
    /// <param name="combine">the tensor-core kernel of the same head dim, for its combine kernel</param>
    public CudaCoreDecodeAttentionKernel(CudaDriver driver, CudaModuleHandle module, DecodeAttentionMmaKernel combine, int headDim)
    {
        if (!DecodeAttentionMmaKernel.IsSupported(headDim)) throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "decode attention is built for head dims 64 and 128");
        _driver = driver;
        HeadDim = headDim;
        _attention = [.. Enumerable.Range(1, DecodeAttentionMmaKernel.MaxGroup).Select(g => driver.GetFunction(module, EntryPoint(headDim, g)))];
        _combine = combine;
    }

    public int HeadDim { get; }

    /// <summary>The kernel for <paramref name="group"/> query heads per KV head.</summary>
    public static string EntryPoint(int headDim, int group) => $"decode_attention_hd{headDim}_g{group}";

    /// <summary>Registers and local (spilled) bytes per thread of the kernel for <paramref name="group"/>.</summary>
    public (int Registers, int LocalBytes) Resources(int group) =>
        (_driver.FunctionAttribute(_attention[group - 1], FunctionAttribute.NumRegs),
         _driver.FunctionAttribute(_attention[group - 1], FunctionAttribute.LocalSizeBytes));

    /// <summary>The arguments of <see cref="DecodeAttentionMmaKernel.Launch"/>.</summary>
    public void Launch(ulong q, ulong keyCache, ulong valueCache, ulong output, ulong partials, ulong sequences, ulong blockTables,
        int sequenceCount, int splits, int blockSize, int heads, int kvHeads, CudaStreamHandle stream)
    {
        if (sequenceCount == 0) return;
        if (splits < 1 || splits > DecodeAttentionMmaKernel.MaxSplits)
            throw new ArgumentOutOfRangeException(nameof(splits), splits, $"1 to {DecodeAttentionMmaKernel.MaxSplits} splits");
        int group = DecodeAttentionMmaKernel.Group(heads, kvHeads);
        float scaleLog2 = (float)(1.0 / Math.Sqrt(HeadDim) / Math.Log(2.0));
        void** args = stackalloc void*[11];
        args[0] = &q;
        args[1] = &keyCache;
        args[2] = &valueCache;
        args[3] = &output;
        args[4] = &partials;
        args[5] = &sequences;
        args[6] = &blockTables;
        args[7] = &blockSize;
        args[8] = &heads;
        args[9] = &kvHeads;
        args[10] = &scaleLog2;
        _driver.Launch(_attention[group - 1], new Dim3((uint)sequenceCount, (uint)kvHeads, (uint)splits), new Dim3(Threads), 0, stream, args);
        if (splits > 1) _combine.Combine(partials, output, sequences, sequenceCount, splits, heads, stream);
    }
}
