using QwenVL.Cuda.Vision;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class AttentionTilesTests
{
    [Fact]
    public void Every_query_is_in_exactly_one_tile_that_spans_its_own_segment()
    {
        int[] segments = [100, 37, 64, 130, 4];
        var table = new int[AttentionTiles.Count(segments) * AttentionTiles.Stride];
        int count = AttentionTiles.Fill(segments, table);
        Assert.Equal(2 + 1 + 1 + 3 + 1, count);

        var owner = new int[segments.Sum()];
        Array.Fill(owner, -1);
        for (int t = 0; t < count; t++)
        {
            int first = table[3 * t], start = table[3 * t + 1], end = table[3 * t + 2];
            Assert.InRange(first, start, end - 1);
            for (int q = first; q < Math.Min(end, first + AttentionTiles.QueriesPerTile); q++)
            {
                Assert.Equal(-1, owner[q]);
                owner[q] = t;
            }
        }
        Assert.DoesNotContain(-1, owner);

        // The segment of each query is the one it was given in.
        int segmentStart = 0;
        foreach (var length in segments)
        {
            for (int q = segmentStart; q < segmentStart + length; q++)
            {
                Assert.Equal(segmentStart, table[3 * owner[q] + 1]);
                Assert.Equal(segmentStart + length, table[3 * owner[q] + 2]);
            }
            segmentStart += length;
        }
    }

    [Fact]
    public void Frames_of_an_image_are_segments_of_equal_length()
    {
        var table = new int[30];
        Assert.Equal(6, AttentionTiles.FillForFrames(frames: 2, framePatches: 130, table));
        Assert.Equal([0, 0, 130, 64, 0, 130, 128, 0, 130, 130, 130, 260, 194, 130, 260, 258, 130, 260], table[..18]);
    }

    [Fact]
    public void Max_count_bounds_every_split_into_segments_of_at_least_the_minimum()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 200; trial++)
        {
            int windows = random.Next(1, 400), patches = 4 * windows;
            var lengths = new List<int>();
            for (int left = windows; left > 0;)
            {
                int take = Math.Min(left, random.Next(1, 40));
                lengths.Add(4 * take);
                left -= take;
            }
            Assert.True(AttentionTiles.Count(lengths.ToArray()) <= AttentionTiles.MaxCount(patches, 4));
        }
        Assert.Equal(256, AttentionTiles.MaxCount(1024, 4));
    }

    [Fact]
    public void A_table_too_small_is_an_error_naming_both_counts()
    {
        var e = Assert.Throws<ArgumentException>(() => AttentionTiles.Fill([65], new int[3]));
        Assert.Contains("holds 1 tiles", e.Message);
        Assert.Contains("need 2", e.Message);
    }
}
