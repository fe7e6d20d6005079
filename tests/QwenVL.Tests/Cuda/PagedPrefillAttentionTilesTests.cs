using QwenVL.Cuda.Kernels;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class PagedPrefillAttentionTilesTests
{
    // (first row, queries, context, block table start) per sequence, as the kernel reads them.
    private static int[] Sequences(params (int Context, int Queries)[] shape)
    {
        var table = new int[4 * shape.Length];
        int row = 0;
        for (int s = 0; s < shape.Length; s++)
        {
            table[4 * s] = row;
            table[4 * s + 1] = shape[s].Queries;
            table[4 * s + 2] = shape[s].Context;
            table[4 * s + 3] = 100 * s;
            row += shape[s].Queries;
        }
        return table;
    }

    [Fact]
    public void Every_query_is_in_exactly_one_tile_of_its_own_sequence()
    {
        var sequences = Sequences((0, 100), (37, 64), (130, 1), (0, 200), (300, 77), (16, 63), (5, 129));
        int count = PagedPrefillAttentionKernel.TileCount(sequences);
        Assert.Equal(2 + 1 + 1 + 4 + 2 + 1 + 3, count);
        var tiles = new int[2 * count + 6];
        Array.Fill(tiles, -7);
        Assert.Equal(count, PagedPrefillAttentionKernel.FillTiles(sequences, tiles));
        Assert.Equal([-7, -7, -7, -7, -7, -7], tiles[(2 * count)..]);

        var owners = new int[7][];
        for (int s = 0; s < 7; s++) owners[s] = Enumerable.Repeat(-1, sequences[4 * s + 1]).ToArray();
        for (int t = 0; t < count; t++)
        {
            int s = tiles[2 * t], first = tiles[2 * t + 1];
            Assert.InRange(s, 0, 6);
            Assert.Equal(0, first % PagedPrefillAttentionKernel.QueriesPerTile);
            Assert.InRange(first, 0, sequences[4 * s + 1] - 1);
            for (int i = first; i < Math.Min(sequences[4 * s + 1], first + PagedPrefillAttentionKernel.QueriesPerTile); i++)
            {
                Assert.Equal(-1, owners[s][i]);
                owners[s][i] = t;
            }
        }
        foreach (var owner in owners) Assert.DoesNotContain(-1, owner);
    }

    [Fact]
    public void Tiles_come_heaviest_first_then_in_sequence_order()
    {
        // Keys visible to each tile's last query: seq 0: 64, 100; seq 1: 37 + 64 = 101; seq 2: 131; seq 3: 64, 128, 192, 200.
        var sequences = Sequences((0, 100), (37, 64), (130, 1), (0, 200));
        var tiles = new int[2 * PagedPrefillAttentionKernel.TileCount(sequences)];
        PagedPrefillAttentionKernel.FillTiles(sequences, tiles);
        Assert.Equal([3, 192, 3, 128, 2, 0, 3, 64, 1, 0, 0, 64, 0, 0, 3, 0], tiles);
        Assert.Equal(Reorder(tiles, sequences), tiles);
    }

    // The rule restated with LINQ: visible keys descending, then sequence, then first query.
    private static int[] Reorder(int[] tiles, int[] sequences)
    {
        var list = new List<(long Visible, int S, int First)>();
        for (int t = 0; t < tiles.Length / 2; t++)
        {
            int s = tiles[2 * t], first = tiles[2 * t + 1];
            list.Add((sequences[4 * s + 2] + first + Math.Min(64, sequences[4 * s + 1] - first), s, first));
        }
        return list.OrderByDescending(x => x.Visible).ThenBy(x => x.S).ThenBy(x => x.First).SelectMany(x => new[] { x.S, x.First }).ToArray();
    }

    [Fact]
    public void A_sequence_without_queries_or_with_a_negative_context_is_rejected()
    {
        Assert.Contains("at least one", Assert.Throws<ArgumentException>(() => PagedPrefillAttentionKernel.TileCount(Sequences((0, 5), (3, 0)))).Message);
        Assert.Contains("negative context", Assert.Throws<ArgumentException>(() => PagedPrefillAttentionKernel.TileCount(Sequences((-1, 5)))).Message);
        Assert.Contains("multiple of 4", Assert.Throws<ArgumentException>(() => PagedPrefillAttentionKernel.TileCount(new int[6])).Message);
    }

    [Fact]
    public void A_tile_list_that_is_too_short_is_rejected()
    {
        var sequences = Sequences((0, 65));
        var e = Assert.Throws<ArgumentException>(() => PagedPrefillAttentionKernel.FillTiles(sequences, new int[3]));
        Assert.Contains("holds 1 tiles; the sequences need 2", e.Message);
    }

    [Fact]
    public void More_tiles_than_the_grid_takes_are_rejected()
    {
        var sequences = Sequences((0, 64 * PagedPrefillAttentionKernel.MaxTiles), (0, 1));
        Assert.Contains("at most 65535", Assert.Throws<ArgumentException>(() => PagedPrefillAttentionKernel.TileCount(sequences)).Message);
    }

    [Fact]
    public void Launch_arguments_are_checked_before_anything_reaches_the_device()
    {
        PagedPrefillAttentionKernel.CheckArguments(0x1000, 0x2000, 0x3000, 0x4004, 3, 16, 12, 2);
        Assert.Throws<ArgumentException>(() => PagedPrefillAttentionKernel.CheckArguments(0x1000, 0x2000, 0x3000, 0x4000, 3, 16, 12, 5));
        Assert.Throws<ArgumentException>(() => PagedPrefillAttentionKernel.CheckArguments(0x1000, 0x2000, 0x3000, 0x4000, 3, 16, 12, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PagedPrefillAttentionKernel.CheckArguments(0x1000, 0x2000, 0x3000, 0x4000, 3, 0, 12, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => PagedPrefillAttentionKernel.CheckArguments(0x1000, 0x2000, 0x3000, 0x4000, 65536, 16, 12, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => PagedPrefillAttentionKernel.CheckArguments(0x1000, 0x2000, 0x3000, 0x4000, -1, 16, 12, 2));
        Assert.Contains("16-byte", Assert.Throws<ArgumentException>(() => PagedPrefillAttentionKernel.CheckArguments(0x1008, 0x2000, 0x3000, 0x4000, 3, 16, 12, 2)).Message);
        Assert.Contains("16-byte", Assert.Throws<ArgumentException>(() => PagedPrefillAttentionKernel.CheckArguments(0x1000, 0x2000, 0x3002, 0x4000, 3, 16, 12, 2)).Message);
        Assert.Contains("4-byte", Assert.Throws<ArgumentException>(() => PagedPrefillAttentionKernel.CheckArguments(0x1000, 0x2000, 0x3000, 0x4002, 3, 16, 12, 2)).Message);
    }

    [Theory]
    [InlineData(64, 46080)]
    [InlineData(128, 87040)]
    public void Shared_memory_holds_q_and_two_stages_of_k_and_v(int headDim, int bytes)
    {
        Assert.Equal(bytes, PagedPrefillAttentionKernel.SharedBytesFor(headDim));
        // Two blocks of 128 threads fit one H100 SM (228 KiB) even at head dim 128.
        Assert.True(2 * (bytes + 1024) <= 228 * 1024);
    }

    [Fact]
    public void Only_head_dims_64_and_128_are_built()
    {
        Assert.True(PagedPrefillAttentionKernel.IsSupported(64));
        Assert.True(PagedPrefillAttentionKernel.IsSupported(128));
        Assert.False(PagedPrefillAttentionKernel.IsSupported(80));
        Assert.Equal((float)(1 / Math.Sqrt(128) / Math.Log(2)), PagedPrefillAttentionKernel.ScaleLog2(128));
    }
}
