namespace QwenVL.Cuda.Vision;

/// <summary>
/// The work list of the vision attention kernel: one (first query, segment start, segment end) triple per block of up
/// to <see cref="QueriesPerTile"/> queries, every block inside one segment. Segments lie back to back from patch 0; for
/// an image they are its frames, and a patch attends to every patch of its own frame and to no other
/// (Hugging Face's cu_seqlens).
/// </summary>
public static class AttentionTiles
{
    public const int QueriesPerTile = Kernels.VisionAttentionKernel.Tile;

    /// <summary>Ints per tile in the table.</summary>
    public const int Stride = 3;

    public static int Count(ReadOnlySpan<int> segmentLengths)
    {
        int count = 0;
        foreach (var length in segmentLengths)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length, nameof(segmentLengths));
            count += (length + QueriesPerTile - 1) / QueriesPerTile;
        }
        return count;
    }

    /// <summary>
    /// The most tiles any split of <paramref name="patches"/> patches into segments of at least
    /// <paramref name="minSegment"/> patches can need: a segment of L ≥ minSegment patches takes ⌈L/64⌉ ≤ L/minSegment
    /// tiles when minSegment ≤ 32 (one tile up to 64 patches, at most L/32 beyond).
    /// </summary>
    public static int MaxCount(int patches, int minSegment)
    {
        if (minSegment is < 1 or > QueriesPerTile / 2)
            throw new ArgumentOutOfRangeException(nameof(minSegment), minSegment, $"between 1 and {QueriesPerTile / 2}");
        return Math.Max(1, patches / minSegment);
    }

    /// <summary>Writes the table for consecutive segments of the given lengths; returns the number of tiles.</summary>
    public static int Fill(ReadOnlySpan<int> segmentLengths, Span<int> table)
    {
        int count = Count(segmentLengths);
        if (table.Length < count * Stride)
            throw new ArgumentException($"the table holds {table.Length / Stride} tiles, the segments need {count}", nameof(table));
        int tile = 0, start = 0;
        foreach (var length in segmentLengths)
        {
            int end = start + length;
            for (int query = start; query < end; query += QueriesPerTile, tile++)
            {
                table[tile * Stride] = query;
                table[tile * Stride + 1] = start;
                table[tile * Stride + 2] = end;
            }
            start = end;
        }
        return count;
    }

    /// <summary>The table for an image: <paramref name="frames"/> segments of <paramref name="framePatches"/> patches.</summary>
    public static int FillForFrames(int frames, int framePatches, Span<int> table)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        Span<int> lengths = frames <= 64 ? stackalloc int[frames] : new int[frames];
        lengths.Fill(framePatches);
        return Fill(lengths, table);
    }
}
