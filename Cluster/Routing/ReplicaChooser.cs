namespace QwenVL.Cluster.Routing;

/// <summary>
/// Picks the replica for a request: the fewest requests held or on their way (<see cref="ReplicaCandidate.Load"/>:
/// least outstanding requests, exact for this node's own and as last reported for the others);
/// on a tie the local replica (no network hop, no serialization); then the emptier KV cache; then the node address,
/// so that the choice is the same on every run.
/// </summary>
/// <remarks>
/// There is no affinity of a conversation to the replica that holds its prefix: requests carry no conversation id, and
/// keying on the prompt's leading messages would send every chat that shares a system prompt to one replica. The prefix
/// cache still serves repeated prompts within each replica.
/// </remarks>
public static class ReplicaChooser
{
    public static ReplicaCandidate? Choose(IEnumerable<ReplicaCandidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ReplicaCandidate? best = null;
        foreach (var candidate in candidates)
            if (best == null || IsBetter(candidate, best)) best = candidate;
        return best;
    }

    private static bool IsBetter(ReplicaCandidate a, ReplicaCandidate b)
    {
        if (a.Load != b.Load) return a.Load < b.Load;
        if (a.IsLocal != b.IsLocal) return a.IsLocal;
        if (a.KvCacheUsage != b.KvCacheUsage) return a.KvCacheUsage < b.KvCacheUsage;
        return string.CompareOrdinal(a.Node, b.Node) < 0;
    }
}
