using QwenVL.Cuda.Kernels;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class DecodeAttentionMmaKernelTests
{
    [Theory]
    [InlineData(64, 18432)]
    [InlineData(128, 34816)]
    public void Shared_memory_holds_two_stages_of_padded_k_and_v_tiles_under_48_kib(int headDim, int bytes)
    {
        Assert.Equal(bytes, DecodeAttentionMmaKernel.SharedBytesFor(headDim));
        Assert.True(bytes <= 48 * 1024);
    }

    [Theory]
    [InlineData(12, 2, 6)]
    [InlineData(4, 2, 2)]
    [InlineData(8, 1, 8)]
    [InlineData(5, 5, 1)]
    public void The_group_is_query_heads_per_kv_head(int heads, int kvHeads, int group) =>
        Assert.Equal(group, DecodeAttentionMmaKernel.Group(heads, kvHeads));

    [Theory]
    [InlineData(18, 2)] // 9 rows: more than the kernel's entry points
    [InlineData(12, 5)] // not a whole group
    [InlineData(2, 4)]
    public void A_group_the_kernel_lacks_is_an_error(int heads, int kvHeads) =>
        Assert.Throws<ArgumentException>(() => DecodeAttentionMmaKernel.Group(heads, kvHeads));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(21)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(514)]
    [InlineData(3001)]
    public void The_splits_cover_every_key_once_in_whole_tiles(int keys)
    {
        foreach (int sequences in new[] { 1, 8, 64 })
        {
            int splits = DecodeAttentionMmaKernel.Splits(sequences, 2, 132);
            int next = 0;
            for (int split = 0; split < splits; split++)
            {
                var (begin, end) = DecodeAttentionMmaKernel.SplitKeys(keys, splits, split);
                if (begin >= end) continue; // an empty split: the combine gives it no weight
                Assert.Equal(next, begin);
                Assert.Equal(0, begin % DecodeAttentionMmaKernel.KeysPerTile);
                next = end;
            }
            Assert.Equal(keys, next);
        }
    }

    [Fact]
    public void Short_contexts_leave_the_later_splits_empty()
    {
        // 21 keys in 16 splits: one tile, all in split 0.
        Assert.Equal((0, 21), DecodeAttentionMmaKernel.SplitKeys(21, 16, 0));
        var (begin, end) = DecodeAttentionMmaKernel.SplitKeys(21, 16, 1);
        Assert.True(begin >= end);
    }
}
