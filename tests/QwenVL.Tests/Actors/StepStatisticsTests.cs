using QwenVL.Actors;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Actors;

public class StepStatisticsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counters_add_up_every_completed_step()
    {
        var stats = new StepStatistics();
        stats.StepCompleted(new StepBudgetUse(30, 2, 32), TimeSpan.FromMilliseconds(20));
        stats.StepCompleted(new StepBudgetUse(0, 5, 32), TimeSpan.FromMilliseconds(5));
        Assert.Equal(2, stats.Steps);
        Assert.Equal(30, stats.PrefillTokens);
        Assert.Equal(7, stats.DecodeSequences);
        Assert.Equal(64, stats.BudgetTokens);
        Assert.Equal(0.025, stats.StepSeconds, 9);
    }

    [Fact]
    public void RecentSteps_lists_the_latest_steps_oldest_first_once_the_ring_wraps()
    {
        var stats = new StepStatistics();
        Assert.Empty(stats.RecentSteps());
        for (int i = 0; i < StepStatistics.RecentCapacity + 10; i++) stats.StepCompleted(new StepBudgetUse(i, 1, 100), TimeSpan.Zero);
        var recent = stats.RecentSteps();
        Assert.Equal(StepStatistics.RecentCapacity, recent.Length);
        Assert.Equal(Enumerable.Range(10, StepStatistics.RecentCapacity), recent.Select(s => s.PrefillTokens));
    }

    [Fact]
    public void RecentSteps_is_a_copy_the_next_steps_do_not_change()
    {
        var stats = new StepStatistics();
        stats.StepCompleted(new StepBudgetUse(1, 0, 8), TimeSpan.Zero);
        var before = stats.RecentSteps();
        stats.StepCompleted(new StepBudgetUse(2, 0, 8), TimeSpan.Zero);
        Assert.Equal([new StepBudgetUse(1, 0, 8)], before);
    }

    [Fact]
    public void Percentiles_use_nearest_rank_over_the_samples_of_the_window_only()
    {
        var window = new LatencyWindow(256, TimeSpan.FromSeconds(10));
        window.Add(T0, 100);   // outside the window at T0 + 20 s
        for (int i = 1; i <= 100; i++) window.Add(T0.AddSeconds(15), i / 1000.0);
        var p = window.Percentiles(T0.AddSeconds(20));
        Assert.Equal(new LatencyPercentiles(100, 0.050, 0.090, 0.099), p);
        Assert.Equal(LatencyPercentiles.None, window.Percentiles(T0.AddSeconds(60)));
    }

    [Fact]
    public void A_full_window_keeps_the_latest_samples()
    {
        var window = new LatencyWindow(4, TimeSpan.FromSeconds(10));
        foreach (var s in new[] { 9.0, 9.0, 1.0, 2.0, 3.0, 4.0 }) window.Add(T0, s);
        Assert.Equal(new LatencyPercentiles(4, 2.0, 4.0, 4.0), window.Percentiles(T0));
    }

    [Fact]
    public void Sequence_latencies_time_the_first_token_and_the_gaps_after_it()
    {
        var latencies = new SequenceLatencies();
        var id = new SequenceId(7);
        latencies.Submitted(id, T0);
        latencies.TokenGenerated(id, T0.AddMilliseconds(300));
        latencies.TokenGenerated(id, T0.AddMilliseconds(350));   // not a first token: no sample
        latencies.Finished(new FinishedSequence(id, FinishReason.Length, 10, 5, 0), T0.AddMilliseconds(500));
        var now = T0.AddSeconds(1);
        Assert.Equal(new LatencyPercentiles(1, 0.3, 0.3, 0.3), latencies.TimeToFirstToken.Percentiles(now));
        var tpot = latencies.TimePerOutputToken.Percentiles(now);
        Assert.Equal(1, tpot.Count);
        Assert.Equal(0.05, tpot.P50, 9);   // 200 ms over the 4 tokens after the first
    }

    [Fact]
    public void Forgotten_and_unknown_sequences_leave_no_samples()
    {
        var latencies = new SequenceLatencies();
        latencies.Submitted(new SequenceId(1), T0);
        latencies.Forget(new SequenceId(1));
        latencies.TokenGenerated(new SequenceId(1), T0.AddSeconds(1));
        latencies.TokenGenerated(new SequenceId(2), T0.AddSeconds(1));
        latencies.Finished(new FinishedSequence(new SequenceId(2), FinishReason.Stop, 3, 3, 0), T0.AddSeconds(2));
        Assert.Equal(0, latencies.TimeToFirstToken.Percentiles(T0.AddSeconds(2)).Count);
        Assert.Equal(0, latencies.TimePerOutputToken.Percentiles(T0.AddSeconds(2)).Count);
    }
}
