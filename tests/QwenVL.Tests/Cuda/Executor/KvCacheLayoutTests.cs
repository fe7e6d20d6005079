using QwenVL.Cuda.Executor;
using QwenVL.Runtime.Cpu;
using Xunit;

namespace QwenVL.Tests.Cuda.Executor;

public class KvCacheLayoutTests
{
    [Fact]
    public void A_2b_block_of_16_tokens_takes_448_KiB_in_bf16_half_the_cpu_cache()
    {
        var kv = KvCacheLayout.For(ModelShapes.Qwen2Vl2B, blockSize: 16);
        Assert.Equal(2L * 28 * 16 * 2 * 128 * 2, kv.BytesPerBlock);
        Assert.Equal(448 * 1024, kv.BytesPerBlock);
        Assert.Equal(CpuKvCache.BytesPerBlock(28, 16, 2, 128) / 2, kv.BytesPerBlock);
    }

    [Fact]
    public void Layers_hold_keys_then_values_each_over_all_blocks()
    {
        var kv = KvCacheLayout.For(ModelShapes.Tiny, blockSize: 16);
        long array = 10L * 16 * 64 * 2;
        Assert.Equal(0, kv.Offset(0, value: false, blocks: 10));
        Assert.Equal(array, kv.Offset(0, value: true, blocks: 10));
        Assert.Equal(2 * array, kv.Offset(1, value: false, blocks: 10));
        Assert.Equal(3 * array, kv.Offset(1, value: true, blocks: 10));
        Assert.Equal(4 * array, 10 * kv.BytesPerBlock);
    }

    [Fact]
    public void Blocks_within_a_budget_round_down()
    {
        var kv = KvCacheLayout.For(ModelShapes.Tiny, blockSize: 16);
        Assert.Equal(3, kv.BlocksWithin(4 * kv.BytesPerBlock - 1));
        Assert.Equal(0, kv.BlocksWithin(kv.BytesPerBlock - 1));
    }
}
