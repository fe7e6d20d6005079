using System.Buffers;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches <c>paged_prefill_attention_hd64</c> / <c>_hd128</c> (paged_prefill_attention.cu): causal grouped-query
/// attention of a varlen batch over the paged KV cache on the tensor cores: q, the layer's K/V cache, int4 per
/// sequence, block tables, and a work list of one int2 (sequence, first query) per tile of up to
/// <see cref="QueriesPerTile"/> queries, from <see cref="FillTiles"/>. One block per (tile, query head): a K/V tile
/// then serves 64 query rows, which is what a 16-row mma needs, whatever the group size.
/// </summary>
public sealed unsafe class PagedPrefillAttentionKernel
{
    /// <summary>Queries per tile (kQueries in the source): 4 warps of 16 rows.</summary>
    public const int QueriesPerTile = 64;

    /// <summary>Keys per shared-memory stage (kKeys in the source).</summary>
    public const int KeysPerTile = 64;

    /// <summary>Tiles are the grid's y dimension.</summary>
    public const int MaxTiles = 65535;

    /// <summary>Ints per sequence in the sequence table (first row, query count, context length, block table start).</summary>
    public const int SequenceInts = 4;

    /// <summary>Ints per tile in the tile list (sequence, first query).</summary>
    public const int TileInts = 2;

    private const int Threads = 128;

    private readonly CudaDriver _driver;

    public PagedPrefillAttentionKernel(CudaDriver driver, CudaModuleHandle module, int headDim)
    {
        if (!IsSupported(headDim))
            throw new ArgumentOutOfRangeException(nameof(headDim), headDim, $"paged prefill attention is compiled for head dims {string.Join(", ", HeadDims)}");
        _driver = driver;
        HeadDim = headDim;
        Function = driver.GetFunction(module, EntryPoint(headDim));
        SharedBytes = SharedBytesFor(headDim);
        // Above the default 48 KiB for head dim 128 (87,040 bytes): must be allowed explicitly.
        driver.SetFunctionAttribute(Function, FunctionAttribute.MaxDynamicSharedSizeBytes, SharedBytes);
    }

    public static IReadOnlyList<int> HeadDims { get; } = [64, 128];

    public static bool IsSupported(int headDim) => HeadDims.Contains(headDim);

    public static string EntryPoint(int headDim) => $"paged_prefill_attention_hd{headDim}";

    public CudaFunction Function { get; }

    public int HeadDim { get; }

    /// <summary>Dynamic shared memory of one block.</summary>
    public int SharedBytes { get; }

    /// <summary>Layout&lt;HD&gt; in the source: Q, two K stages and two V stages, each 64 rows of headDim + 8 bf16.</summary>
    public static int SharedBytesFor(int headDim) => 5 * QueriesPerTile * (headDim + 8) * sizeof(ushort);

    /// <summary>log2(e)/√headDim: the kernel works in powers of two.</summary>
    public static float ScaleLog2(int headDim) => (float)(1.0 / Math.Sqrt(headDim) / Math.Log(2.0));

    /// <summary>Tiles the sequences need: ⌈queries / 64⌉ each.</summary>
    /// <param name="sequences"><see cref="SequenceInts"/> ints per sequence, as the kernel reads them.</param>
    public static int TileCount(ReadOnlySpan<int> sequences)
    {
        if (sequences.Length % SequenceInts != 0)
            throw new ArgumentException($"the sequence table has {sequences.Length} ints, not a multiple of {SequenceInts}", nameof(sequences));
        long count = 0;
        for (int s = 0; s < sequences.Length / SequenceInts; s++)
        {
            int queries = sequences[SequenceInts * s + 1], context = sequences[SequenceInts * s + 2];
            if (queries < 1) throw new ArgumentException($"sequence {s} has {queries} queries; every sequence needs at least one", nameof(sequences));
            if (context < 0) throw new ArgumentException($"sequence {s} has a negative context length {context}", nameof(sequences));
            count += (queries + QueriesPerTile - 1) / QueriesPerTile;
        }
        if (count > MaxTiles) throw new ArgumentException($"the sequences need {count} tiles; one launch takes at most {MaxTiles}", nameof(sequences));
        return (int)count;
    }

    /// <summary>
    /// Writes the tile list, (sequence, first query) per tile, heaviest first: by keys visible to the tile's last query,
    /// descending, then by sequence and first query. Blocks start roughly in grid order, so the long causal tiles start
    /// first and the short ones fill the gaps at the end, instead of a few long ones running alone at the tail.
    /// </summary>
    /// <returns>The number of tiles written.</returns>
    public static int FillTiles(ReadOnlySpan<int> sequences, Span<int> tiles)
    {
        int count = TileCount(sequences);
        if (tiles.Length < TileInts * count)
            throw new ArgumentException($"the tile list holds {tiles.Length / TileInts} tiles; the sequences need {count}", nameof(tiles));
        var keys = ArrayPool<long>.Shared.Rent(count);
        var unsorted = ArrayPool<int>.Shared.Rent(TileInts * count);
        try
        {
            int tile = 0;
            for (int s = 0; s < sequences.Length / SequenceInts; s++)
            {
                int queries = sequences[SequenceInts * s + 1], context = sequences[SequenceInts * s + 2];
                for (int first = 0; first < queries; first += QueriesPerTile, tile++)
                {
                    long visible = (long)context + first + Math.Min(QueriesPerTile, queries - first);
                    if (visible > int.MaxValue) throw new ArgumentException($"sequence {s} reaches position {visible}", nameof(sequences));
                    unsorted[TileInts * tile] = s;
                    unsorted[TileInts * tile + 1] = first;
                    // Ascending order of the key = descending visible keys, then generation order (sequence, first).
                    keys[tile] = ((long)(int.MaxValue - (int)visible) << 32) | (uint)tile;
                }
            }
            Array.Sort(keys, 0, count);
            for (int i = 0; i < count; i++)
            {
                int from = (int)(keys[i] & 0xFFFFFFFFL);
                tiles[TileInts * i] = unsorted[TileInts * from];
                tiles[TileInts * i + 1] = unsorted[TileInts * from + 1];
            }
            return count;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(unsorted);
            ArrayPool<long>.Shared.Return(keys);
        }
    }

    /// <summary>What the kernel cannot check itself: shapes that would divide by zero or overrun the grid, and
    /// addresses cp.async (16 bytes) and the bf16-pair stores (4 bytes) need aligned.</summary>
    public static void CheckArguments(ulong q, ulong keyCache, ulong valueCache, ulong output, int tileCount, int blockSize, int heads, int kvHeads)
    {
        if (heads < 1 || kvHeads < 1 || heads % kvHeads != 0)
            throw new ArgumentException($"{heads} query heads do not split into {kvHeads} KV groups");
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(tileCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tileCount, MaxTiles);
        if (((q | keyCache | valueCache) & 15) != 0)
            throw new ArgumentException($"q (0x{q:x}), the key cache (0x{keyCache:x}) and the value cache (0x{valueCache:x}) must be 16-byte aligned");
        if ((output & 3) != 0) throw new ArgumentException($"the output (0x{output:x}) must be 4-byte aligned");
    }

    /// <param name="sequences">device int4 per sequence: first row, query count, context length, block table start</param>
    /// <param name="blockTables">device int32 block ids, each sequence's from its block table start</param>
    /// <param name="tiles">device int2 per tile from <see cref="FillTiles"/> (64 queries per tile)</param>
    public void Launch(ulong q, ulong keyCache, ulong valueCache, ulong output, ulong sequences, ulong blockTables, ulong tiles, int tileCount,
        int blockSize, int heads, int kvHeads, CudaStreamHandle stream)
    {
        CheckArguments(q, keyCache, valueCache, output, tileCount, blockSize, heads, kvHeads);
        if (tileCount == 0) return;
        float scaleLog2 = ScaleLog2(HeadDim);
        void** args = stackalloc void*[11];
        args[0] = &q;
        args[1] = &keyCache;
        args[2] = &valueCache;
        args[3] = &output;
        args[4] = &sequences;
        args[5] = &blockTables;
        args[6] = &tiles;
        args[7] = &blockSize;
        args[8] = &heads;
        args[9] = &kvHeads;
        args[10] = &scaleLog2;
        // Heads in x: the heads of one tile (a KV group's share its K/V tiles) start together and meet in L2.
        _driver.Launch(Function, new Dim3((uint)heads, (uint)tileCount), new Dim3(Threads), (uint)SharedBytes, stream, args);
    }
}
