using QwenVL.Actors;
using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Actors;

/// <summary>Several replicas' statuses added up into one, as the cluster view, /metrics and the live view's totals show it.</summary>
public class ReplicaStatusTests
{
    private static SchedulerStats Stats(int running, int waiting, double kv, long promptTokens, long generated, int totalBlocks, int freeBlocks,
        int peak) =>
        new(running, waiting, Preemptions: 1, kv, PrefixCacheQueries: 10, PrefixCacheHits: 4, promptTokens, generated, Steps: 7, peak, Preempted: 0,
            totalBlocks, freeBlocks);

    private static ReplicaActivity Activity(long steps, double seconds) =>
        new(steps, PrefillTokens: 100, DecodeSequences: 40, BudgetTokens: steps * 64, seconds, [new StepBudgetUse(60, 4, 64)],
            new LatencyPercentiles(3, 0.01, 0.02, 0.03), LatencyPercentiles.None);

    [Fact]
    public void Counts_add_up_and_kv_usage_is_the_share_of_all_blocks_in_use()
    {
        var a = new ReplicaStatus(Stats(2, 1, 0.5, 100, 50, totalBlocks: 100, freeBlocks: 50, peak: 60));
        var b = new ReplicaStatus(Stats(1, 0, 0.1, 40, 20, totalBlocks: 300, freeBlocks: 270, peak: 40));
        var sum = ReplicaStatus.Sum([a, b]).Scheduler;
        Assert.Equal(3, sum.Running);
        Assert.Equal(1, sum.Waiting);
        Assert.Equal((50 + 30) / 400.0, sum.KvCacheUsage, 12);
        Assert.Equal(140, sum.PromptTokensComputed);
        Assert.Equal(70, sum.GenerationTokens);
        Assert.Equal(400, sum.TotalBlocks);
        Assert.Equal(320, sum.FreeBlocks);
        Assert.Equal(100, sum.PeakBlocksInUse);
        Assert.Equal(14, sum.Steps);
    }

    [Fact]
    public void Step_counters_add_up_without_percentiles_or_recent_steps()
    {
        var a = new ReplicaStatus(Stats(1, 0, 0.1, 10, 5, 100, 90, 10), Activity(10, 1.5));
        var b = new ReplicaStatus(Stats(1, 0, 0.1, 10, 5, 100, 90, 10), Activity(5, 0.5));
        var activity = ReplicaStatus.Sum([a, b]).Activity!;
        Assert.Equal((15L, 200L, 80L, 15L * 64, 2.0), (activity.Steps, activity.PrefillTokens, activity.DecodeSequences, activity.BudgetTokens,
            activity.StepSeconds));
        Assert.Empty(activity.RecentSteps);
        Assert.Equal(LatencyPercentiles.None, activity.TimeToFirstToken);
    }

    [Fact]
    public void One_status_is_its_own_sum()
    {
        var only = new ReplicaStatus(Stats(2, 1, 0.5, 100, 50, 100, 50, 60), Activity(10, 1.5));
        Assert.Same(only, ReplicaStatus.Sum([only]));
    }
}
