using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches <c>decode_attention_mma_hd*_g*</c> (decode_attention_mma.cu), the tensor-core alternative to
/// <see cref="DecodeAttentionKernel"/>: same inputs, the same split rule (<see cref="DecodeAttentionKernel.Splits"/>)
/// and the same partials, which <c>decode_attention_combine_hd*</c> of decode_attention.cu merges; so the combine
/// kernel is looked up in that file's module.
/// </summary>
public sealed unsafe class DecodeAttentionMmaKernel
{
    /// <summary>Keys per shared-memory stage (kKeys in the source): a split's key range is a multiple of it.</summary>
    public const int KeysPerTile = 32;

    private const int Threads = 32;
    private const int Stages = 2;

    private readonly CudaDriver _driver;
    private readonly CudaFunction[] _attention;
    private readonly CudaFunction _combine;
    private readonly uint _sharedBytes;

    /// <param name="module">decode_attention_mma.cu</param>
    /// <param name="combineModule">decode_attention.cu, for its combine kernel</param>
    public DecodeAttentionMmaKernel(CudaDriver driver, CudaModuleHandle module, CudaModuleHandle combineModule, int headDim)
    {
        if (!PagedAttentionKernel.IsSupported(headDim)) throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "decode attention is built for head dims 64 and 128");
        _driver = driver;
        HeadDim = headDim;
        _attention = [.. Enumerable.Range(1, DecodeAttentionKernel.MaxGroup).Select(g => driver.GetFunction(module, EntryPoint(headDim, g)))];
        _combine = driver.GetFunction(combineModule, $"decode_attention_combine_hd{headDim}");
        _sharedBytes = (uint)SharedBytesFor(headDim);
    }

    public int HeadDim { get; }

    /// <summary>The kernel for <paramref name="group"/> query heads per KV head.</summary>
    public static string EntryPoint(int headDim, int group) => $"decode_attention_mma_hd{headDim}_g{group}";

    /// <summary>
    /// Dynamic shared memory of one block: two stages of K and V tiles, <see cref="KeysPerTile"/> rows of HD + 8
    /// bf16 each (the Layout struct of the source). Below the 48 KiB that needs no opt-in for both head dims.
    /// </summary>
    public static int SharedBytesFor(int headDim) => 2 * Stages * KeysPerTile * (headDim + 8) * sizeof(ushort);

    /// <summary>Registers and local (spilled) bytes per thread of the kernel for <paramref name="group"/>.</summary>
    public (int Registers, int LocalBytes) Resources(int group) =>
        (_driver.FunctionAttribute(_attention[group - 1], FunctionAttribute.NumRegs),
         _driver.FunctionAttribute(_attention[group - 1], FunctionAttribute.LocalSizeBytes));

    /// <summary>The same arguments as <see cref="DecodeAttentionKernel.Launch"/>; partials as sized by <see cref="DecodeAttentionKernel.PartialsBytes"/>.</summary>
    /// <param name="sequences">device int4 per sequence: row, query count (1), context length, block table start</param>
    public void Launch(ulong q, ulong keyCache, ulong valueCache, ulong output, ulong partials, ulong sequences, ulong blockTables,
        int sequenceCount, int splits, int blockSize, int heads, int kvHeads, CudaStreamHandle stream)
    {
        if (sequenceCount == 0) return;
        if (splits < 1 || splits > DecodeAttentionKernel.MaxSplits)
            throw new ArgumentOutOfRangeException(nameof(splits), splits, $"1 to {DecodeAttentionKernel.MaxSplits} splits");
        int group = Group(heads, kvHeads);
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
        _driver.Launch(_attention[group - 1], new Dim3((uint)sequenceCount, (uint)kvHeads, (uint)splits), new Dim3(Threads), _sharedBytes, stream, args);
        if (splits == 1) return;
        void** combine = stackalloc void*[5];
        combine[0] = &partials;
        combine[1] = &output;
        combine[2] = &sequences;
        combine[3] = &heads;
        combine[4] = &splits;
        _driver.Launch(_combine, new Dim3((uint)sequenceCount, (uint)heads), new Dim3((uint)HeadDim), 0, stream, combine);
    }

    /// <summary>Query heads per KV head: the rows of the kernel's m16 tile that are real, 1 to <see cref="DecodeAttentionKernel.MaxGroup"/>.</summary>
    public static int Group(int heads, int kvHeads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kvHeads, 1);
        if (heads < kvHeads || heads % kvHeads != 0 || heads / kvHeads > DecodeAttentionKernel.MaxGroup)
            throw new ArgumentException($"decode attention serves 1 to {DecodeAttentionKernel.MaxGroup} query heads per KV head, not {heads}/{kvHeads}");
        return heads / kvHeads;
    }

    /// <summary>
    /// The key range [begin, end) that split <paramref name="split"/> of <paramref name="splits"/> covers in a context of
    /// <paramref name="keys"/> keys, as the kernel derives it (and decode_attention.cu, with the same tile): empty
    /// (begin ≥ end) for a split past the last key.
    /// </summary>
    public static (int Begin, int End) SplitKeys(int keys, int splits, int split)
    {
        int per = ((keys + splits - 1) / splits + KeysPerTile - 1) / KeysPerTile * KeysPerTile;
        int begin = split * per;
        return (begin, Math.Min(keys, begin + per));
    }
}
