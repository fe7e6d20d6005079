using QwenVL.Actors;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Live;

/// <summary>
/// Turns two statuses of one replica into what it did between them: the step counters, token counters and prefix-cache
/// counters subtracted and divided by the seconds between, the gauges and the latest steps as the later status has them.
/// </summary>
public static class LiveInterval
{
    /// <param name="before">the replica's previous status; null for the first (counts and rates come out 0)</param>
    /// <param name="seconds">the time between the two statuses</param>
    public static LiveReplica Between(string name, ReplicaStatus? before, ReplicaStatus after, double seconds)
    {
        ArgumentNullException.ThrowIfNull(after);
        var now = after.Activity;
        var then = before?.Activity;
        long steps = 0, prefill = 0, decodes = 0, budget = 0;
        double stepSeconds = 0;
        if (before != null && now != null && then != null)
        {
            steps = now.Steps - then.Steps;
            prefill = now.PrefillTokens - then.PrefillTokens;
            decodes = now.DecodeSequences - then.DecodeSequences;
            budget = now.BudgetTokens - then.BudgetTokens;
            stepSeconds = now.StepSeconds - then.StepSeconds;
        }
        bool timed = before != null && seconds > 0;
        var a = after.Scheduler;
        var b = before?.Scheduler;
        long queries = b == null ? 0 : a.PrefixCacheQueries - b.PrefixCacheQueries;
        long hits = b == null ? 0 : a.PrefixCacheHits - b.PrefixCacheHits;
        return new LiveReplica(
            name, steps, prefill, decodes,
            Ratio(prefill, steps), Ratio(decodes, steps), Ratio(prefill, budget), Ratio(decodes, budget),
            timed ? Math.Min(1, stepSeconds / seconds) : 0,
            now?.RecentSteps.Select(s => new LiveStep(s.PrefillTokens, s.DecodeSequences, s.Budget)).ToArray() ?? [],
            a.Running, a.Waiting, a.Preempted, b == null ? 0 : a.Preemptions - b.Preemptions,
            a.KvCacheUsage, Ratio(hits, queries),
            timed ? (a.PromptTokensComputed - b!.PromptTokensComputed) / seconds : 0,
            timed ? (a.GenerationTokens - b!.GenerationTokens) / seconds : 0,
            Milliseconds(now?.TimeToFirstToken), Milliseconds(now?.TimePerOutputToken));
    }

    public static LiveLatency? Milliseconds(LatencyPercentiles? p) =>
        p == null ? null : new LiveLatency(p.Count, 1000 * p.P50, 1000 * p.P90, 1000 * p.P99);

    /// <summary>No replica reports: everything 0.</summary>
    public static LiveReplica Empty(string name) => new(name, 0, 0, 0, 0, 0, 0, 0, 0, [], 0, 0, 0, 0, 0, 0, 0, 0, null, null);

    private static double Ratio(long part, long whole) => whole > 0 ? (double)part / whole : 0;
}
