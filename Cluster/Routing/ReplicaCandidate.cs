namespace QwenVL.Cluster.Routing;

/// <summary>
/// A replica as the router weighs it: its last published load plus the requests this node sent it since that report
/// (which the report cannot show yet, and which keep a burst from landing on one replica).
/// </summary>
/// <param name="Node">the replica's node address</param>
/// <param name="IsLocal">the replica runs in this process</param>
/// <param name="Running">requests in its batch, as last reported</param>
/// <param name="Waiting">requests waiting for its batch, as last reported</param>
/// <param name="KvCacheUsage">its KV cache usage (0 to 1), as last reported</param>
/// <param name="SentSinceReport">requests this node routed to it too recently to show in its reports</param>
public sealed record ReplicaCandidate(string Node, bool IsLocal, int Running, int Waiting, double KvCacheUsage, int SentSinceReport)
{
    /// <summary>Requests the replica holds or is about to: the measure the router balances.</summary>
    public int Load => Running + Waiting + SentSinceReport;
}
