using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QwenVL.Cuda.Kernels;
using QwenVL.Runtime.Execution;

namespace QwenVL.Cuda.Executor;

/// <summary>Where an encoded image's fp32 embeddings, [Tokens, hidden], live on the device.</summary>
public readonly record struct DeviceImage(ulong Address, int Tokens);

/// <summary>
/// Packs everything the kernels need to know about a step into one host buffer (pinned, in the executor), so
/// that one host-to-device copy per step carries it: token ids, M-RoPE positions, KV slots, image rows,
/// per-sequence spans, attention tiles, block tables and the rows that sample. Sections are packed tightly in
/// the order of <see cref="PackedStep"/>, each 16-byte aligned. Checks what the kernels would otherwise read
/// out of bounds: token ids, block ids, block tables that do not cover the step, image slices.
/// </summary>
public sealed partial class StepMetadata
{
    private const int SectionAlignment = 16;

    private readonly int _blockSize;
    private readonly int _vocabSize;
    private readonly int _hidden;
    private readonly int _tileQueries;
    private readonly bool _orderTilesByWork;
    private readonly int[] _sampledSequences;

    /// <param name="orderTilesByWork">
    /// tiles of <see cref="PagedPrefillAttentionKernel.QueriesPerTile"/> queries listed heaviest first (most visible keys),
    /// as that kernel wants them; false: in sequence order
    /// </param>
    public StepMetadata(StepLimits limits, int blockSize, int vocabSize, int hidden, int tileQueries, bool orderTilesByWork = false)
    {
        if (orderTilesByWork && tileQueries != PagedPrefillAttentionKernel.QueriesPerTile)
            throw new ArgumentException($"tiles ordered by work are of {PagedPrefillAttentionKernel.QueriesPerTile} queries, not {tileQueries}");
        _orderTilesByWork = orderTilesByWork;
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileQueries, 1);
        Limits = limits;
        _blockSize = blockSize;
        _vocabSize = vocabSize;
        _hidden = hidden;
        _tileQueries = tileQueries;
        _sampledSequences = new int[limits.MaxSequences];
        CapacityBytes = BytesFor(limits);
    }

    public StepLimits Limits { get; }

    /// <summary>The buffer size the largest step needs.</summary>
    public int CapacityBytes { get; }

    /// <summary>For each sample row of the last packed step, the index of its sequence in the batch.</summary>
    public ReadOnlySpan<int> SampledSequences(in PackedStep step) => _sampledSequences.AsSpan(0, step.SampleRowCount);

    public static int BytesFor(StepLimits limits)
    {
        long t = limits.MaxTokens, s = limits.MaxSequences;
        long bytes = 8 * t + 4 * t + 12 * t + 4 * t + 16 * s + 8 * t + 4 * s * limits.MaxBlocksPerSequence + 4 * s + 8 * SectionAlignment;
        if (bytes > int.MaxValue) throw new ArgumentException($"step metadata of {bytes} bytes is too large; lower the step limits ({limits})");
        return (int)bytes;
    }

    /// <param name="sampledOnly">true: only sequences with sampling parameters reach the lm_head; false: every sequence</param>
    /// <param name="numBlocks">blocks in the KV cache: every block id must be below it</param>
    /// <param name="images">where each image the batch's slices name lives on the device</param>
    public PackedStep Pack(StepBatch batch, bool sampledOnly, int numBlocks, Func<ImageKey, DeviceImage> images, Span<byte> destination)
    {
        var seqs = batch.Sequences;
        int n = 0, tiles = 0, tableEntries = 0, sampleRows = 0;
        if (seqs.Count == 0) throw new ArgumentException("a step needs at least one sequence");
        if (seqs.Count > Limits.MaxSequences)
            throw new ArgumentException($"the step has {seqs.Count} sequences; the executor was sized for at most {Limits.MaxSequences}");
        for (int i = 0; i < seqs.Count; i++)
        {
            var s = seqs[i];
            Check(s, numBlocks);
            n += s.TokenIds.Length;
            tiles += (s.TokenIds.Length + _tileQueries - 1) / _tileQueries;
            tableEntries += BlocksCovering(s.EndPosition);
            if (!sampledOnly || s.Sampling != null) sampleRows++;
        }
        if (n > Limits.MaxTokens)
            throw new ArgumentException($"the step has {n} tokens; the executor was sized for at most {Limits.MaxTokens} per step");

        int offset = 0;
        int Section(int bytes)
        {
            int start = offset;
            offset = Align(offset + bytes);
            return start;
        }
        var step = new PackedStep(n, seqs.Count, tiles, tableEntries, sampleRows, 0,
            ImageSources: Section(8 * n), TokenIds: Section(4 * n), Positions: Section(12 * n), Slots: Section(4 * n),
            Sequences: Section(16 * seqs.Count), Tiles: Section(8 * tiles), BlockTables: Section(4 * tableEntries),
            SampleRows: Section(4 * sampleRows));
        step = step with { Bytes = offset };
        if (offset > destination.Length)
            throw new ArgumentException($"the step's metadata takes {offset} bytes; the buffer holds {destination.Length}");

        var imageSources = Ints<ulong>(destination, step.ImageSources, n);
        var tokenIds = Ints<int>(destination, step.TokenIds, n);
        var positions = Ints<int>(destination, step.Positions, 3 * n);
        var slots = Ints<int>(destination, step.Slots, n);
        var sequences = Ints<int>(destination, step.Sequences, 4 * seqs.Count);
        var tileList = Ints<int>(destination, step.Tiles, 2 * tiles);
        var tables = Ints<int>(destination, step.BlockTables, tableEntries);
        var rows = Ints<int>(destination, step.SampleRows, sampleRows);

        int row = 0, tile = 0, table = 0, sample = 0;
        for (int i = 0; i < seqs.Count; i++)
        {
            var s = seqs[i];
            int count = s.TokenIds.Length;
            s.TokenIds.CopyTo(tokenIds.Slice(row, count));
            for (int plane = 0; plane < 3; plane++)
                s.Positions.AsSpan(plane * count, count).CopyTo(positions.Slice(plane * n + row, count));
            for (int k = 0; k < count; k++) slots[row + k] = Slot(s.BlockTable, s.ContextLength + k);
            imageSources.Slice(row, count).Clear();
            for (int j = 0; j < (s.Images?.Count ?? 0); j++)
            {
                var slice = s.Images![j];
                var image = images(slice.Key);
                if (slice.FirstRow < 0 || slice.Rows < 0 || slice.FirstRow + slice.Rows > image.Tokens)
                    throw new ArgumentException($"image slice rows {slice.FirstRow}+{slice.Rows} are outside image {slice.Key} of {image.Tokens} tokens");
                for (int k = 0; k < slice.Rows; k++)
                    imageSources[row + slice.StepOffset + k] = image.Address + (ulong)((long)(slice.FirstRow + k) * _hidden * sizeof(float));
            }
            sequences[4 * i] = row;
            sequences[4 * i + 1] = count;
            sequences[4 * i + 2] = s.ContextLength;
            sequences[4 * i + 3] = table;
            for (int first = 0; first < count; first += _tileQueries)
            {
                tileList[2 * tile] = i;
                tileList[2 * tile + 1] = first;
                tile++;
            }
            int blocks = BlocksCovering(s.EndPosition);
            s.BlockTable.AsSpan(0, blocks).CopyTo(tables.Slice(table, blocks));
            table += blocks;
            if (!sampledOnly || s.Sampling != null)
            {
                rows[sample] = row + count - 1;
                _sampledSequences[sample] = i;
                sample++;
            }
            row += count;
        }
        if (_orderTilesByWork) PagedPrefillAttentionKernel.FillTiles(sequences, tileList);
        return step;
    }

    /// <summary>The cache slot of a sequence position: block BlockTable[p / block size], offset p % block size.</summary>
    public int Slot(int[] blockTable, int position) => blockTable[position / _blockSize] * _blockSize + position % _blockSize;

    private int BlocksCovering(int positions) => (positions + _blockSize - 1) / _blockSize;

    private void Check(SequenceStep s, int numBlocks)
    {
        int count = s.TokenIds.Length;
        if (count == 0) throw new ArgumentException($"sequence {s.SequenceId} has no tokens in this step");
        if (s.Positions.Length != 3 * count)
            throw new ArgumentException($"sequence {s.SequenceId}: {s.Positions.Length} position ids for {count} tokens (3 planes each)");
        if (s.ContextLength < 0) throw new ArgumentException($"sequence {s.SequenceId}: negative context length {s.ContextLength}");
        int blocks = BlocksCovering(s.EndPosition);
        if (blocks > s.BlockTable.Length)
            throw new ArgumentException($"sequence {s.SequenceId}: position {s.EndPosition - 1} is past its block table ({s.BlockTable.Length} blocks of {_blockSize})");
        if (blocks > Limits.MaxBlocksPerSequence)
            throw new ArgumentException($"sequence {s.SequenceId} reaches position {s.EndPosition - 1}, past the {Limits.MaxBlocksPerSequence} blocks the executor was sized for");
        for (int b = 0; b < blocks; b++)
            if ((uint)s.BlockTable[b] >= (uint)numBlocks)
                throw new ArgumentException($"sequence {s.SequenceId}: block {s.BlockTable[b]} is outside the cache of {numBlocks} blocks");
        foreach (var id in s.TokenIds)
            if ((uint)id >= (uint)_vocabSize) throw new ArgumentException($"token id {id} is outside the vocabulary of {_vocabSize}");
        for (int j = 0; j < (s.Images?.Count ?? 0); j++)
        {
            var slice = s.Images![j];
            if (slice.StepOffset < 0 || slice.Rows < 0 || slice.StepOffset + slice.Rows > count)
                throw new ArgumentException($"image slice at {slice.StepOffset}+{slice.Rows} does not fit the step of {count} tokens");
        }
    }

    private static Span<T> Ints<T>(Span<byte> buffer, int offset, int count) where T : unmanaged =>
        MemoryMarshal.Cast<byte, T>(buffer.Slice(offset, count * Unsafe.SizeOf<T>()));

    private static int Align(int value) => (value + SectionAlignment - 1) & ~(SectionAlignment - 1);
}
