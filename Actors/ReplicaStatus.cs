using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors;

/// <summary>A replica's load and counters, as /metrics, the cluster view, the live view and the status log report them.</summary>
/// <param name="Scheduler">the scheduler's snapshot: requests running and waiting, token and prefix-cache counters, KV blocks</param>
/// <param name="Activity">the steps' counters and recent latencies for the live view; null where a status is made up</param>
public sealed record ReplicaStatus(SchedulerStats Scheduler, ReplicaActivity? Activity = null)
{
    /// <summary>
    /// Several replicas' statuses as one replica's: counts and counters added up, KV usage as the share of all blocks in
    /// use, step counters added up. Percentiles cannot be added and recent steps do not line up, so a sum of several
    /// carries neither; a single status is its own sum.
    /// </summary>
    public static ReplicaStatus Sum(IReadOnlyCollection<ReplicaStatus> replicas)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        if (replicas.Count == 1) return replicas.First();
        return new ReplicaStatus(SumOf(replicas.Select(r => r.Scheduler).ToArray()), SumOf(replicas.Select(r => r.Activity).OfType<ReplicaActivity>().ToArray()));
    }

    private static SchedulerStats SumOf(SchedulerStats[] s)
    {
        int total = s.Sum(r => r.TotalBlocks);
        double usage = total > 0 ? s.Sum(r => r.KvCacheUsage * r.TotalBlocks) / total : 0;
        return new SchedulerStats(
            s.Sum(r => r.Running), s.Sum(r => r.Waiting), s.Sum(r => r.Preemptions), usage,
            s.Sum(r => r.PrefixCacheQueries), s.Sum(r => r.PrefixCacheHits), s.Sum(r => r.PromptTokensComputed), s.Sum(r => r.GenerationTokens),
            s.Sum(r => r.Steps), s.Sum(r => r.PeakBlocksInUse), s.Sum(r => r.Preempted), total, s.Sum(r => r.FreeBlocks));
    }

    private static ReplicaActivity SumOf(ReplicaActivity[] a) => new(
        a.Sum(r => r.Steps), a.Sum(r => r.PrefillTokens), a.Sum(r => r.DecodeSequences), a.Sum(r => r.BudgetTokens), a.Sum(r => r.StepSeconds),
        [], LatencyPercentiles.None, LatencyPercentiles.None);
}
