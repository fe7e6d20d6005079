using QwenVL.Actors;
using QwenVL.Http.Live;
using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Http;

/// <summary>How a live stream turns replica statuses (the local one, or a cluster's load reports) into interval figures.</summary>
public class LiveSamplerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static ReplicaStatus Status(long steps, long prefill, long decodes, long promptTokens, long generated, double stepSeconds = 0,
        long queries = 0, long hits = 0, long preemptions = 0, int running = 0, int waiting = 0, int preempted = 0, double kv = 0,
        int blocks = 100, LatencyPercentiles? ttft = null) =>
        new(new SchedulerStats(running, waiting, preemptions, kv, queries, hits, promptTokens, generated, steps, 0, preempted, blocks,
                blocks - (int)(kv * blocks)),
            new ReplicaActivity(steps, prefill, decodes, steps * 64, stepSeconds, [new StepBudgetUse(60, 4, 64)],
                ttft ?? LatencyPercentiles.None, LatencyPercentiles.None));

    private static KeyValuePair<string, ReplicaStatus> Replica(string name, ReplicaStatus status) => KeyValuePair.Create(name, status);

    [Fact]
    public void The_first_event_has_the_gauges_and_no_rates()
    {
        var sampler = new LiveSampler("m");
        var e = sampler.Next(T0, [Replica("local", Status(10, 500, 40, 500, 40, running: 2, waiting: 1, preempted: 1, kv: 0.5))]);
        Assert.Equal(0, e.IntervalS);
        var r = Assert.Single(e.Replicas);
        Assert.Equal((0L, 0.0, 0.0), (r.Steps, r.PromptTokensPerS, r.GenerationTokensPerS));
        Assert.Equal((2, 1, 1, 0.5), (r.Running, r.Waiting, r.Preempted, r.KvCacheUsage));
        Assert.Equal([new(60, 4, 64)], r.RecentSteps);
        Assert.Equal(r with { Replica = "total", RecentSteps = [] }, e.Totals with { RecentSteps = [] });
    }

    [Fact]
    public void An_interval_subtracts_the_counters_and_divides_by_its_seconds()
    {
        var sampler = new LiveSampler("m");
        sampler.Next(T0, [Replica("local", Status(10, 500, 40, 500, 40, stepSeconds: 1, queries: 100, hits: 10, preemptions: 1))]);
        var ttft = new LatencyPercentiles(3, 0.010, 0.020, 0.030);
        var e = sampler.Next(T0.AddSeconds(2),
            [Replica("local", Status(20, 740, 200, 740, 200, stepSeconds: 2, queries: 300, hits: 110, preemptions: 3, ttft: ttft))]);
        Assert.Equal(2, e.IntervalS);
        var r = e.Replicas[0];
        Assert.Equal((10L, 240L, 160L), (r.Steps, r.PrefillTokens, r.DecodeSequences));
        Assert.Equal((24.0, 16.0), (r.PrefillTokensPerStep, r.DecodeSequencesPerStep));
        Assert.Equal(240.0 / 640, r.PrefillBudgetShare, 9);
        Assert.Equal(160.0 / 640, r.DecodeBudgetShare, 9);
        Assert.Equal(0.5, r.Busy, 9);
        Assert.Equal((120.0, 80.0), (r.PromptTokensPerS, r.GenerationTokensPerS));
        Assert.Equal(0.5, r.PrefixCacheHitRate, 9);
        Assert.Equal(2, r.Preemptions);
        Assert.Equal(new QwenVL.Http.Protocol.LiveLatency(3, 10, 20, 30), r.TtftMs);
    }

    [Fact]
    public void A_restarted_replica_reports_no_counts_for_the_interval()
    {
        var sampler = new LiveSampler("m");
        sampler.Next(T0, [Replica("local", Status(100, 5000, 400, 5000, 400))]);
        var e = sampler.Next(T0.AddSeconds(1), [Replica("local", Status(3, 50, 2, 50, 2))]);
        Assert.Equal((0L, 0.0), (e.Replicas[0].Steps, e.Replicas[0].GenerationTokensPerS));
    }

    [Fact]
    public void In_a_cluster_each_reporting_replica_has_its_line_and_the_totals_add_them_up()
    {
        var sampler = new LiveSampler("m");
        const string A = "akka.tcp://qwenvl@10.0.0.2:2552", B = "akka.tcp://qwenvl@10.0.0.3:2552", C = "akka.tcp://qwenvl@10.0.0.4:2552";
        sampler.Next(T0, [Replica(A, Status(10, 100, 10, 100, 10, queries: 100, hits: 0)), Replica(B, Status(0, 0, 0, 0, 0))]);
        var e = sampler.Next(T0.AddSeconds(1),
        [
            Replica(A, Status(20, 200, 30, 200, 30, stepSeconds: 1, queries: 200, hits: 100, running: 2, kv: 0.5, blocks: 100)),
            Replica(B, Status(10, 0, 40, 0, 40, stepSeconds: 0.5, queries: 0, hits: 0, running: 4, waiting: 3, kv: 0.25, blocks: 300)),
            // C's first report: listed, but its counters since it started are not this interval's.
            Replica(C, Status(50, 900, 90, 900, 90, running: 1)),
        ]);
        Assert.Equal([A, B, C], e.Replicas.Select(r => r.Replica));
        Assert.Equal((100.0, 20.0), (e.Replicas[0].PromptTokensPerS, e.Replicas[0].GenerationTokensPerS));
        Assert.Equal(0.0, e.Replicas[2].GenerationTokensPerS);
        var t = e.Totals;
        Assert.Equal("total", t.Replica);
        Assert.Equal((20L, 100L, 60L), (t.Steps, t.PrefillTokens, t.DecodeSequences));
        Assert.Equal((100.0, 60.0), (t.PromptTokensPerS, t.GenerationTokensPerS));
        Assert.Equal((7, 3), (t.Running, t.Waiting));
        Assert.Equal((0.5 * 100 + 0.25 * 300) / 500, t.KvCacheUsage, 9);
        Assert.Equal(1.0, t.PrefixCacheHitRate, 9);   // C's queries are not this interval's; A looked up 100, found 100
        Assert.Equal((1.0 + 0.5 + 0) / 3, t.Busy, 9);
        Assert.Null(t.TtftMs);
        Assert.Empty(t.RecentSteps);
    }
}
