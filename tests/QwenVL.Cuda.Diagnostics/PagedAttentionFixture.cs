using QwenVL.Cuda.Diagnostics.ReferenceKernels;
using QwenVL.Cuda.Kernels;

namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// A random prefill step over a paged KV cache, for checking the attention kernels: bf16 q for the step's rows, a cache
/// whose blocks are handed out in shuffled order, a sequence table and block tables as the executor packs them, and
/// the float64 reference. Two things make a wrong kernel fail loudly: cache slots that no sequence position owns hold
/// NaN (so reading past a sequence's last visible key, or through a wrong block, poisons the output), and
/// <see cref="GapRows"/> rows between sequences belong to no one (so a stray write shows as a changed gap row).
/// </summary>
internal sealed class PagedAttentionFixture
{
    /// <summary>A quiet bf16 NaN: every unowned cache element.</summary>
    public const ushort NaNBf16 = 0x7FC0;

    public const int GapRows = 3;

    public PagedAttentionFixture(Random random, int headDim, int heads, int kvHeads, int blockSize, (int Context, int Queries)[] sequences)
    {
        HeadDim = headDim;
        Heads = heads;
        KvHeads = kvHeads;
        BlockSize = blockSize;
        Shape = sequences;
        int kvWidth = kvHeads * headDim;
        var blocksOf = sequences.Select(s => (s.Context + s.Queries + blockSize - 1) / blockSize).ToArray();
        NumBlocks = blocksOf.Sum() + 5; // a few blocks no one owns
        var pool = Enumerable.Range(0, NumBlocks).ToArray();
        random.Shuffle(pool);

        KeyCache = new ushort[(long)NumBlocks * blockSize * kvWidth];
        ValueCache = new ushort[KeyCache.Length];
        Array.Fill(KeyCache, NaNBf16);
        Array.Fill(ValueCache, NaNBf16);
        Sequences = new int[PagedPrefillAttentionKernel.SequenceInts * sequences.Length];
        BlockTables = new int[blocksOf.Sum()];
        int row = 0, table = 0;
        for (int s = 0; s < sequences.Length; s++)
        {
            var (context, queries) = sequences[s];
            Sequences[4 * s] = row;
            Sequences[4 * s + 1] = queries;
            Sequences[4 * s + 2] = context;
            Sequences[4 * s + 3] = table;
            for (int b = 0; b < blocksOf[s]; b++) BlockTables[table + b] = pool[table + b];
            for (int p = 0; p < context + queries; p++)
            {
                long at = Slot(s, p) * kvWidth;
                for (int c = 0; c < kvWidth; c++)
                {
                    KeyCache[at + c] = BFloat16.FromSingle(-2f + 4f * random.NextSingle());
                    ValueCache[at + c] = BFloat16.FromSingle(-2f + 4f * random.NextSingle());
                }
            }
            table += blocksOf[s];
            row += queries + GapRows;
        }
        Rows = row;
        Query = HostReference.RandomBf16(random, Rows * QueryWidth, -2f, 2f);
    }

    public int HeadDim { get; }

    public int Heads { get; }

    public int KvHeads { get; }

    public int BlockSize { get; }

    public (int Context, int Queries)[] Shape { get; }

    public int NumBlocks { get; }

    /// <summary>Rows of q and of the output, gap rows included.</summary>
    public int Rows { get; }

    public int QueryWidth => Heads * HeadDim;

    public ushort[] Query { get; }

    public ushort[] KeyCache { get; }

    public ushort[] ValueCache { get; }

    /// <summary>Int4 per sequence: first row, query count, context length, block table start.</summary>
    public int[] Sequences { get; }

    public int[] BlockTables { get; }

    public long Slot(int sequence, int position) =>
        (long)BlockTables[Sequences[4 * sequence + 3] + position / BlockSize] * BlockSize + position % BlockSize;

    /// <summary>Whether a row of q / the output belongs to a sequence (the others are gap rows).</summary>
    public bool[] OwnedRows()
    {
        var owned = new bool[Rows];
        for (int s = 0; s < Shape.Length; s++)
            for (int i = 0; i < Shape[s].Queries; i++) owned[Sequences[4 * s] + i] = true;
        return owned;
    }

    /// <summary>The CUDA-core reference kernel's work list: tiles of <see cref="CudaCorePagedAttentionKernel.TileQueries"/> queries.</summary>
    public int[] CudaCoreTiles()
    {
        int tileQueries = CudaCorePagedAttentionKernel.TileQueries(Heads, KvHeads);
        var tiles = new List<int>();
        for (int s = 0; s < Shape.Length; s++)
            for (int first = 0; first < Shape[s].Queries; first += tileQueries) tiles.AddRange([s, first]);
        return [.. tiles];
    }

    /// <summary>The tensor-core kernel's work list, as the executor builds it.</summary>
    public int[] TensorCoreTiles()
    {
        var tiles = new int[PagedPrefillAttentionKernel.TileInts * PagedPrefillAttentionKernel.TileCount(Sequences)];
        PagedPrefillAttentionKernel.FillTiles(Sequences, tiles);
        return tiles;
    }

    /// <summary>Multiply-adds of the causal attention counted as 4·HD·heads per (query, visible key): QKᵀ and PV.</summary>
    public double Flops()
    {
        double keys = 0;
        foreach (var (context, queries) in Shape) keys += (double)queries * context + (double)queries * (queries + 1) / 2;
        return 4.0 * HeadDim * Heads * keys;
    }

    /// <summary>Softmax attention in float64 over the bf16 inputs, [Rows, heads·HD]; gap rows are NaN.</summary>
    public double[] Reference()
    {
        int width = QueryWidth, kvWidth = KvHeads * HeadDim, group = Heads / KvHeads;
        var output = new double[(long)Rows * width];
        Array.Fill(output, double.NaN);
        double scale = 1.0 / Math.Sqrt(HeadDim);
        var q = new double[HeadDim];
        for (int s = 0; s < Shape.Length; s++)
        {
            var (context, queries) = Shape[s];
            int end = context + queries;
            var keys = new double[end * kvWidth];
            var values = new double[end * kvWidth];
            for (int p = 0; p < end; p++)
            {
                long at = Slot(s, p) * kvWidth;
                for (int c = 0; c < kvWidth; c++)
                {
                    keys[p * kvWidth + c] = BFloat16.ToSingle(KeyCache[at + c]);
                    values[p * kvWidth + c] = BFloat16.ToSingle(ValueCache[at + c]);
                }
            }
            var scores = new double[end];
            for (int i = 0; i < queries; i++)
            {
                int row = Sequences[4 * s] + i, visible = context + i + 1;
                for (int h = 0; h < Heads; h++)
                {
                    int kvColumn = h / group * HeadDim;
                    for (int d = 0; d < HeadDim; d++) q[d] = BFloat16.ToSingle(Query[(long)row * width + h * HeadDim + d]);
                    double max = double.NegativeInfinity;
                    for (int p = 0; p < visible; p++)
                    {
                        double dot = 0;
                        int k = p * kvWidth + kvColumn;
                        for (int d = 0; d < HeadDim; d++) dot += q[d] * keys[k + d];
                        scores[p] = dot * scale;
                        max = Math.Max(max, scores[p]);
                    }
                    double sum = 0;
                    for (int p = 0; p < visible; p++) sum += scores[p] = Math.Exp(scores[p] - max);
                    long o = (long)row * width + h * HeadDim;
                    for (int d = 0; d < HeadDim; d++) output[o + d] = 0;
                    for (int p = 0; p < visible; p++)
                    {
                        double weight = scores[p] / sum;
                        int v = p * kvWidth + kvColumn;
                        for (int d = 0; d < HeadDim; d++) output[o + d] += weight * values[v + d];
                    }
                }
            }
        }
        return output;
    }
}
