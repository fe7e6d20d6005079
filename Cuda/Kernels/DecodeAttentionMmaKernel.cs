using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches <c>decode_attention_mma_hd*_g*</c> (decode_attention_mma.cu): attention of a step whose sequences each
/// bring one token, on the tensor cores, with the keys split over <see cref="Splits"/> blocks per (sequence, KV head)
/// so that small batches with long contexts still fill the GPU; <c>decode_attention_combine_hd*</c>
/// (decode_attention_combine.cu) merges the splits' partials.
/// </summary>
public sealed unsafe class DecodeAttentionMmaKernel
{
    /// <summary>The most splits per (sequence, KV head): the partials buffer is sized for it.</summary>
    public const int MaxSplits = 16;

    /// <summary>Query heads one KV head may serve: the real rows of the kernel's m16 tile, one entry point per group size.</summary>
    public const int MaxGroup = 8;

    /// <summary>Keys per shared-memory stage (kKeys in the source): a split's key range is a multiple of it.</summary>
    public const int KeysPerTile = 32;

    private const int Threads = 32;
    private const int Stages = 2;

    private readonly CudaDriver _driver;
    private readonly CudaFunction[] _attention;
    private readonly CudaFunction _combine;
    private readonly uint _sharedBytes;

    /// <param name="module">decode_attention_mma.cu</param>
    /// <param name="combineModule">decode_attention_combine.cu</param>
    public DecodeAttentionMmaKernel(CudaDriver driver, CudaModuleHandle module, CudaModuleHandle combineModule, int headDim)
    {
        if (!IsSupported(headDim)) throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "decode attention is built for head dims 64 and 128");
        _driver = driver;
        HeadDim = headDim;
        _attention = [.. Enumerable.Range(1, MaxGroup).Select(g => driver.GetFunction(module, EntryPoint(headDim, g)))];
        _combine = driver.GetFunction(combineModule, CombineEntryPoint(headDim));
        _sharedBytes = (uint)SharedBytesFor(headDim);
    }

    public int HeadDim { get; }

    public static bool IsSupported(int headDim) => headDim is 64 or 128;

    /// <summary>The kernel for <paramref name="group"/> query heads per KV head.</summary>
    public static string EntryPoint(int headDim, int group) => $"decode_attention_mma_hd{headDim}_g{group}";

    /// <summary>The kernel that merges the splits' partials (decode_attention_combine.cu).</summary>
    public static string CombineEntryPoint(int headDim) => $"decode_attention_combine_hd{headDim}";

    /// <summary>Bytes of the partials buffer for <paramref name="sequences"/> sequences: [S, heads, MaxSplits, HD + 2] fp32.</summary>
    public static long PartialsBytes(int sequences, int heads, int headDim) => (long)sequences * heads * MaxSplits * (headDim + 2) * sizeof(float);

    /// <summary>
    /// Splits per (sequence, KV head): enough one-warp blocks to cover every SM about four times, at most <see cref="MaxSplits"/>.
    /// A split with no keys (a context shorter than the splits) costs one empty block and is skipped by the combine.
    /// </summary>
    public static int Splits(int sequences, int kvHeads, int multiprocessors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequences, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kvHeads, 1);
        int blocks = sequences * kvHeads, target = 4 * Math.Max(multiprocessors, 1);
        return Math.Clamp((target + blocks - 1) / blocks, 1, MaxSplits);
    }

    /// <summary>
    /// Dynamic shared memory of one block: two stages of K and V tiles, <see cref="KeysPerTile"/> rows of HD + 8
    /// bf16 each (the Layout struct of the source). Below the 48 KiB that needs no opt-in for both head dims.
    /// </summary>
    public static int SharedBytesFor(int headDim) => 2 * Stages * KeysPerTile * (headDim + 8) * sizeof(ushort);

    /// <summary>Registers and local (spilled) bytes per thread of the kernel for <paramref name="group"/>.</summary>
    public (int Registers, int LocalBytes) Resources(int group) =>
        (_driver.FunctionAttribute(_attention[group - 1], FunctionAttribute.NumRegs),
         _driver.FunctionAttribute(_attention[group - 1], FunctionAttribute.LocalSizeBytes));

    /// <param name="partials">device fp32, as sized by <see cref="PartialsBytes"/>; unused with one split</param>
    /// <param name="sequences">device int4 per sequence: row, query count (1), context length, block table start</param>
    public void Launch(ulong q, ulong keyCache, ulong valueCache, ulong output, ulong partials, ulong sequences, ulong blockTables,
        int sequenceCount, int splits, int blockSize, int heads, int kvHeads, CudaStreamHandle stream)
    {
        if (sequenceCount == 0) return;
        if (splits < 1 || splits > MaxSplits)
            throw new ArgumentOutOfRangeException(nameof(splits), splits, $"1 to {MaxSplits} splits");
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
        if (splits > 1) Combine(partials, output, sequences, sequenceCount, splits, heads, stream);
    }

    /// <summary>Merges the splits' partials into the output rows (decode_attention_combine.cu).</summary>
    public void Combine(ulong partials, ulong output, ulong sequences, int sequenceCount, int splits, int heads, CudaStreamHandle stream)
    {
        void** combine = stackalloc void*[5];
        combine[0] = &partials;
        combine[1] = &output;
        combine[2] = &sequences;
        combine[3] = &heads;
        combine[4] = &splits;
        _driver.Launch(_combine, new Dim3((uint)sequenceCount, (uint)heads), new Dim3((uint)HeadDim), 0, stream, combine);
    }

    /// <summary>Query heads per KV head: the rows of the kernel's m16 tile that are real, 1 to <see cref="MaxGroup"/>.</summary>
    public static int Group(int heads, int kvHeads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kvHeads, 1);
        if (heads < kvHeads || heads % kvHeads != 0 || heads / kvHeads > MaxGroup)
            throw new ArgumentException($"decode attention serves 1 to {MaxGroup} query heads per KV head, not {heads}/{kvHeads}");
        return heads / kvHeads;
    }

    /// <summary>
    /// The key range [begin, end) that split <paramref name="split"/> of <paramref name="splits"/> covers in a context of
    /// <paramref name="keys"/> keys, as the kernel derives it: empty
    /// (begin ≥ end) for a split past the last key.
    /// </summary>
    public static (int Begin, int End) SplitKeys(int keys, int splits, int split)
    {
        int per = ((keys + splits - 1) / splits + KeysPerTile - 1) / KeysPerTile * KeysPerTile;
        int begin = split * per;
        return (begin, Math.Min(keys, begin + per));
    }
}
