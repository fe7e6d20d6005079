using QwenVL.Cuda.Executor;
using QwenVL.Cuda.Kernels;
using Xunit;

namespace QwenVL.Tests.Cuda.Executor;

public class DecodeGraphBucketsTests
{
    [Fact]
    public void Buckets_are_one_two_four_then_multiples_of_eight_up_to_the_largest()
    {
        Assert.Equal([1, 2, 4, 8, 16, 24, 32], new DecodeGraphBuckets(32).Sizes);
        Assert.Equal([1, 2, 4, 8, 16, 20], new DecodeGraphBuckets(20).Sizes);
        Assert.Equal([1, 2, 4, 5], new DecodeGraphBuckets(5).Sizes);
        Assert.Equal([1], new DecodeGraphBuckets(1).Sizes);
        Assert.Equal(35, new DecodeGraphBuckets(256).Sizes.Count);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 4)]
    [InlineData(4, 4)]
    [InlineData(5, 8)]
    [InlineData(9, 16)]
    [InlineData(250, 256)]
    [InlineData(256, 256)]
    public void A_step_replays_the_smallest_bucket_that_holds_it(int sequences, int bucket) =>
        Assert.Equal(bucket, new DecodeGraphBuckets(256).For(sequences));

    [Fact]
    public void Steps_larger_than_the_largest_bucket_or_empty_have_none()
    {
        var buckets = new DecodeGraphBuckets(64);
        Assert.Null(buckets.For(65));
        Assert.Null(buckets.For(0));
    }

    [Theory]
    [InlineData(1, 2, 132, 16)]   // 2 blocks: as many splits as allowed
    [InlineData(8, 2, 132, 16)]   // 33 wanted, capped
    [InlineData(32, 2, 132, 9)]   // 64 blocks: 9 splits make 576 ≥ 528
    [InlineData(64, 2, 132, 5)]
    [InlineData(256, 2, 132, 2)]
    [InlineData(512, 2, 132, 1)]
    public void Decode_attention_splits_cover_every_multiprocessor_about_four_times(int sequences, int kvHeads, int sms, int splits) =>
        Assert.Equal(splits, DecodeAttentionMmaKernel.Splits(sequences, kvHeads, sms));

    [Theory]
    [InlineData(1536, 1)]   // 6 chunks of 16 bytes per lane
    [InlineData(2048, 1)]
    [InlineData(4096, 2)]   // 16 per lane: two warps of 8
    [InlineData(8960, 8)]   // 35 per lane: eight warps of 5
    [InlineData(18944, 8)]  // the 7B's intermediate: 74 per lane, capped at 8 warps
    public void Long_rows_are_shared_by_several_warps(int k, int split) => Assert.Equal(split, GemvKernel.KSplit(k));

    [Fact]
    public void Decode_attention_has_a_kernel_per_group_size() =>
        Assert.Equal("decode_attention_mma_hd128_g6", DecodeAttentionMmaKernel.EntryPoint(128, 6));
}
