using QwenVL.Cuda;
using QwenVL.Cuda.Diagnostics;
using Xunit;

namespace QwenVL.Tests.Cuda;

/// <summary>The prefill attention check's inputs and reference, on the CPU: a wrong fixture would pass wrong kernels.</summary>
public class PagedAttentionFixtureTests
{
    [Fact]
    public void Owned_cache_slots_are_finite_and_the_rest_are_nan()
    {
        var f = new PagedAttentionFixture(new Random(3), 64, 4, 2, 16, [(0, 13), (20, 30), (5, 1)]);
        Assert.Equal(f.BlockTables.Length, f.BlockTables.Distinct().Count());
        Assert.All(f.BlockTables, b => Assert.InRange(b, 0, f.NumBlocks - 1));
        int kvWidth = 2 * 64;
        var owned = new bool[f.KeyCache.Length / kvWidth];
        for (int s = 0; s < 3; s++)
            for (int p = 0; p < f.Shape[s].Context + f.Shape[s].Queries; p++) owned[f.Slot(s, p)] = true;
        for (int slot = 0; slot < owned.Length; slot++)
        {
            var k = BFloat16.ToSingle(f.KeyCache[slot * kvWidth]);
            var v = BFloat16.ToSingle(f.ValueCache[slot * kvWidth + kvWidth - 1]);
            Assert.Equal(owned[slot], float.IsFinite(k));
            Assert.Equal(owned[slot], float.IsFinite(v));
        }
        Assert.Equal(13 + 30 + 1 + 3 * PagedAttentionFixture.GapRows, f.Rows);
        Assert.Equal(13 + 30 + 1, f.OwnedRows().Count(o => o));
    }

    [Fact]
    public void A_first_query_without_context_gets_its_own_value_row_and_gap_rows_stay_nan()
    {
        var f = new PagedAttentionFixture(new Random(4), 64, 6, 1, 16, [(0, 2), (0, 1)]);
        var reference = f.Reference();
        int width = f.QueryWidth;
        int second = f.Sequences[4];
        foreach (var (row, sequence) in new[] { (0, 0), (second, 1) })
            for (int h = 0; h < 6; h++)
                for (int d = 0; d < 64; d++)
                    Assert.Equal(BFloat16.ToSingle(f.ValueCache[f.Slot(sequence, 0) * 64 + d]), reference[row * width + h * 64 + d], 12);
        Assert.True(double.IsNaN(reference[2 * width]));
        Assert.False(double.IsNaN(reference[1 * width]));
    }

    [Fact]
    public void Flops_count_each_visible_key_of_each_query_once()
    {
        var f = new PagedAttentionFixture(new Random(5), 128, 12, 2, 16, [(0, 4), (10, 2)]);
        // Visible keys: 1 + 2 + 3 + 4 and 11 + 12.
        Assert.Equal(4.0 * 128 * 12 * (10 + 23), f.Flops());
    }

    [Fact]
    public void The_old_kernels_tiles_follow_its_query_count_and_the_new_ones_cover_64()
    {
        var f = new PagedAttentionFixture(new Random(6), 128, 12, 2, 16, [(0, 11), (3, 64)]);
        Assert.Equal([0, 0, 0, 5, 0, 10, 1, 0, 1, 5, 1, 10, 1, 15], f.CudaCoreTiles()[..14]);
        Assert.Equal([1, 0, 0, 0], f.TensorCoreTiles());
    }
}
