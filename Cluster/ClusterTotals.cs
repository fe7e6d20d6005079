using QwenVL.Actors;

namespace QwenVL.Cluster;

/// <summary>The cluster's figures as one replica's: counts and counters summed, KV usage as the share of all blocks in use.</summary>
public static class ClusterTotals
{
    public static ReplicaStatus Sum(IReadOnlyCollection<ReplicaStatus> replicas)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        int total = replicas.Sum(r => r.TotalBlocks), free = replicas.Sum(r => r.FreeBlocks);
        double usage = total > 0 ? (double)replicas.Sum(r => r.KvCacheUsage * r.TotalBlocks) / total : 0;
        return new ReplicaStatus(
            replicas.Sum(r => r.Running), replicas.Sum(r => r.Waiting), usage,
            replicas.Sum(r => r.PrefixCacheQueries), replicas.Sum(r => r.PrefixCacheHits),
            replicas.Sum(r => r.PromptTokens), replicas.Sum(r => r.GenerationTokens), replicas.Sum(r => r.Preemptions),
            total, free, replicas.Sum(r => r.PeakBlocksInUse), replicas.Sum(r => r.Preempted));
    }
}
