using QwenVL.Cluster.Messages;

namespace QwenVL.Http.Metrics;

/// <summary>
/// The per-replica figures of a cluster node's /metrics, labelled by the replica's node address; the vLLM-named metrics
/// beside them carry the cluster's totals.
/// </summary>
public static class ClusterMetrics
{
    public static void Write(PrometheusTextWriter w, ClusterView view)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(view);
        var replicas = view.Members.Where(m => m.Load != null).ToArray();
        w.Gauge("qwenvl:cluster_members", "Members of the cluster this node sees, by status.", "status",
            view.Members.GroupBy(m => m.Status).Select(g => KeyValuePair.Create(g.Key, (double)g.Count())));
        w.Gauge("qwenvl:replica_serving", "1 when requests are routed to the replica (up, reachable, reporting).", "replica",
            replicas.Select(m => KeyValuePair.Create(m.Node, m.Serving ? 1.0 : 0.0)));
        w.Gauge("qwenvl:replica_requests_running", "Requests in the replica's batch, as it last reported.", "replica",
            replicas.Select(m => KeyValuePair.Create(m.Node, (double)m.Load!.Status.Scheduler.Running)));
        w.Gauge("qwenvl:replica_requests_waiting", "Requests waiting for the replica's batch, as it last reported.", "replica",
            replicas.Select(m => KeyValuePair.Create(m.Node, (double)m.Load!.Status.Scheduler.Waiting)));
        w.Gauge("qwenvl:replica_kv_cache_usage_perc", "The replica's KV-cache usage. 1 means 100 percent usage.", "replica",
            replicas.Select(m => KeyValuePair.Create(m.Node, m.Load!.Status.Scheduler.KvCacheUsage)));
        w.Counter("qwenvl:replica_requests_routed_total", "Requests the replica took through the cluster's routing.", "replica",
            replicas.Select(m => KeyValuePair.Create(m.Node, (double)m.Load!.Served)));
        w.Counter("qwenvl:replica_generation_tokens_total", "Generation tokens the replica produced.", "replica",
            replicas.Select(m => KeyValuePair.Create(m.Node, (double)m.Load!.Status.Scheduler.GenerationTokens)));
    }
}
