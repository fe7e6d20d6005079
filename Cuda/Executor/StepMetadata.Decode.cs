using QwenVL.Runtime.Execution;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// Decode steps for captured graphs: a graph bakes in every section's address and every count, so a step of up to
/// <c>bucket</c> one-token sequences is laid out as if it had exactly <c>bucket</c> of them, at offsets that depend
/// on the bucket alone. The rows past the step's own are padding: token 0 at position 0, writing and reading only
/// the scratch block (a KV block the scheduler never hands out), so they cost a little work and touch nothing.
/// The block tables come last, so only the part in use has to be copied.
/// </summary>
public sealed partial class StepMetadata
{
    /// <summary>The fixed layout of a decode step padded to <paramref name="bucket"/> sequences; Bytes is the whole layout.</summary>
    public PackedStep DecodeLayout(int bucket)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucket, 1);
        if (bucket > Limits.MaxSequences || bucket > Limits.MaxTokens)
            throw new ArgumentOutOfRangeException(nameof(bucket), bucket, $"the executor was sized for {Limits.MaxSequences} sequences and {Limits.MaxTokens} tokens");
        int offset = 0;
        int Section(int bytes)
        {
            int start = offset;
            offset = Align(offset + bytes);
            return start;
        }
        int tables = bucket * Limits.MaxBlocksPerSequence;
        var step = new PackedStep(bucket, bucket, bucket, tables, bucket, 0,
            ImageSources: Section(8 * bucket), TokenIds: Section(4 * bucket), Positions: Section(12 * bucket),
            Slots: Section(4 * bucket), Sequences: Section(16 * bucket), Tiles: Section(8 * bucket),
            SampleRows: Section(4 * bucket), BlockTables: Section(4 * tables));
        return step with { Bytes = offset };
    }

    /// <summary>True when the batch can run as a padded decode step: one token per sequence, no image rows, every sequence sampled.</summary>
    public static bool IsDecodeStep(StepBatch batch, bool sampledOnly)
    {
        if (batch.Sequences.Count == 0) return false;
        foreach (var s in batch.Sequences)
        {
            if (s.TokenIds.Length != 1 || (s.Images?.Count ?? 0) > 0) return false;
            if (sampledOnly && s.Sampling == null) return false;
        }
        return true;
    }

    /// <summary>
    /// Packs a decode step (see <see cref="IsDecodeStep"/>) into <see cref="DecodeLayout"/>(<paramref name="bucket"/>).
    /// The result's SampleRowCount is the batch's own sequence count (the rows after it are padding) and Bytes is
    /// what must be copied: everything up to the end of the block tables in use.
    /// </summary>
    /// <param name="scratchBlock">the KV block the padding rows write and read; outside the scheduler's blocks</param>
    public PackedStep PackDecode(StepBatch batch, int bucket, int numBlocks, int scratchBlock, Span<byte> destination)
    {
        var seqs = batch.Sequences;
        if (seqs.Count > bucket) throw new ArgumentException($"{seqs.Count} sequences do not fit a decode step of {bucket}");
        var layout = DecodeLayout(bucket);
        if (layout.Bytes > destination.Length)
            throw new ArgumentException($"the decode layout takes {layout.Bytes} bytes; the buffer holds {destination.Length}");
        var tokenIds = Ints<int>(destination, layout.TokenIds, bucket);
        var positions = Ints<int>(destination, layout.Positions, 3 * bucket);
        var slots = Ints<int>(destination, layout.Slots, bucket);
        var sequences = Ints<int>(destination, layout.Sequences, 4 * bucket);
        var tiles = Ints<int>(destination, layout.Tiles, 2 * bucket);
        var rows = Ints<int>(destination, layout.SampleRows, bucket);
        var tables = Ints<int>(destination, layout.BlockTables, layout.BlockTableEntries);
        Ints<ulong>(destination, layout.ImageSources, bucket).Clear();

        int table = 0;
        for (int i = 0; i < bucket; i++)
        {
            bool real = i < seqs.Count;
            int context = 0, blocks = 1;
            if (real)
            {
                var s = seqs[i];
                if (s.TokenIds.Length != 1 || (s.Images?.Count ?? 0) > 0)
                    throw new ArgumentException($"sequence {s.SequenceId} is not a one-token decode step");
                Check(s, numBlocks);
                context = s.ContextLength;
                blocks = BlocksCovering(s.EndPosition);
                tokenIds[i] = s.TokenIds[0];
                for (int plane = 0; plane < 3; plane++) positions[plane * bucket + i] = s.Positions[plane];
                slots[i] = Slot(s.BlockTable, context);
                s.BlockTable.AsSpan(0, blocks).CopyTo(tables.Slice(table, blocks));
                _sampledSequences[i] = i;
            }
            else
            {
                tokenIds[i] = 0;
                for (int plane = 0; plane < 3; plane++) positions[plane * bucket + i] = 0;
                slots[i] = scratchBlock * _blockSize;
                tables[table] = scratchBlock;
            }
            sequences[4 * i] = i;
            sequences[4 * i + 1] = 1;
            sequences[4 * i + 2] = context;
            sequences[4 * i + 3] = table;
            tiles[2 * i] = i;
            tiles[2 * i + 1] = 0;
            rows[i] = i;
            table += blocks;
        }
        return layout with { SampleRowCount = seqs.Count, Bytes = Align(layout.BlockTables + 4 * table) };
    }
}
