using QwenVL.Cluster.Messages;

namespace QwenVL.Cluster;

/// <summary>The cluster's members, roles and replica loads, for GET /v1/cluster and the per-replica metrics.</summary>
public interface IClusterMembership
{
    Task<ClusterView> GetViewAsync(CancellationToken cancellationToken);
}
