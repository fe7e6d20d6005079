namespace QwenVL.Cluster.Routing;

/// <summary>
/// A replica as the router weighs it: the requests this node has in flight there (known at once, exactly) plus those the
/// replica reported holding beyond them (other nodes' requests, known as of its last report).
/// </summary>
/// <param name="Node">the replica's node address</param>
/// <param name="IsLocal">the replica runs in this process</param>
/// <param name="OwnInFlight">requests this node routed there that have not ended</param>
/// <param name="OtherRequests">running and waiting requests of its last report less this node's in flight when it came</param>
/// <param name="KvCacheUsage">its KV cache usage (0 to 1), as last reported</param>
public sealed record ReplicaCandidate(string Node, bool IsLocal, int OwnInFlight, int OtherRequests, double KvCacheUsage)
{
    /// <summary>Requests the replica holds or is about to: the measure the router balances.</summary>
    public int Load => OwnInFlight + OtherRequests;
}
