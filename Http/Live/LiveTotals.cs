using QwenVL.Actors;
using QwenVL.Cluster;

namespace QwenVL.Http.Live;

/// <summary>
/// Replicas' statuses as one replica's, for the totals of a live event: counts and counters added up (KV usage as the
/// share of all blocks, <see cref="ClusterTotals"/>), step counters added up. Percentiles cannot be added, so the sum
/// carries them only for a single replica; it has no recent steps.
/// </summary>
public static class LiveTotals
{
    public const string Name = "total";

    public static ReplicaStatus Sum(IReadOnlyList<ReplicaStatus> replicas)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        if (replicas.Count == 1) return replicas[0];
        var activities = replicas.Select(r => r.Activity).OfType<ReplicaActivity>().ToArray();
        var activity = new ReplicaActivity(
            activities.Sum(a => a.Steps), activities.Sum(a => a.PrefillTokens), activities.Sum(a => a.DecodeSequences),
            activities.Sum(a => a.BudgetTokens), activities.Sum(a => a.StepSeconds), [], LatencyPercentiles.None, LatencyPercentiles.None);
        return ClusterTotals.Sum(replicas) with { Activity = activity };
    }
}
