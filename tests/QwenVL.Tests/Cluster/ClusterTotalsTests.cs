using QwenVL.Actors;
using QwenVL.Cluster;
using Xunit;

namespace QwenVL.Tests.Cluster;

public class ClusterTotalsTests
{
    [Fact]
    public void Counts_add_up_and_kv_usage_is_the_share_of_all_blocks_in_use()
    {
        var a = new ReplicaStatus(2, 1, 0.5, 10, 4, 100, 50, 1, TotalBlocks: 100, FreeBlocks: 50, PeakBlocksInUse: 60);
        var b = new ReplicaStatus(1, 0, 0.1, 5, 1, 40, 20, 0, TotalBlocks: 300, FreeBlocks: 270, PeakBlocksInUse: 40);
        var sum = ClusterTotals.Sum([a, b]);
        Assert.Equal(3, sum.Running);
        Assert.Equal(1, sum.Waiting);
        Assert.Equal((50 + 30) / 400.0, sum.KvCacheUsage, 12);
        Assert.Equal(140, sum.PromptTokens);
        Assert.Equal(70, sum.GenerationTokens);
        Assert.Equal(400, sum.TotalBlocks);
        Assert.Equal(320, sum.FreeBlocks);
    }
}
