using Akka.Actor;

namespace QwenVL.Cluster.Messages;

/// <summary>Asks the node's directory for the replica to send a request to, leaving out the nodes already tried.</summary>
public sealed record ChooseReplica(IReadOnlySet<string> Excluded);

/// <summary>The directory's pick; the request counts against it until <see cref="RouteEnded"/>.</summary>
public sealed record ReplicaChosen(string Node, IActorRef Endpoint, bool IsLocal);

public sealed record NoReplicaAvailable(string Reason);

/// <summary>A request routed to <paramref name="Node"/> ended there (answered, failed or abandoned).</summary>
public sealed record RouteEnded(string Node);

/// <summary>Tells the directory a replica did not answer; it is skipped until it reports again.</summary>
public sealed record ReplicaUnresponsive(string Node);

public sealed class GetClusterView
{
    public static GetClusterView Instance { get; } = new();
    private GetClusterView() { }
}

/// <summary>The cluster as this node sees it: every member, its roles and reachability, and each replica's last load report.</summary>
public sealed record ClusterView(string SelfNode, string SelfRole, IReadOnlyList<MemberView> Members)
{
    /// <summary>Replicas that may take requests now.</summary>
    public IEnumerable<MemberView> ServingReplicas => Members.Where(m => m.Serving);
}

/// <param name="Status">Akka's member status, lower case (joining, up, leaving, exiting, down, removed)</param>
/// <param name="Serving">a reachable replica with a fresh load report</param>
public sealed record MemberView(string Node, IReadOnlyList<string> Roles, string Status, bool Reachable, bool Serving, ReplicaLoadReport? Load);

/// <summary>Sent by the directory to itself: time to drop stale reports and maybe log the cluster's load.</summary>
internal sealed class DirectoryTick
{
    public static DirectoryTick Instance { get; } = new();
    private DirectoryTick() { }
}
