namespace QwenVL.Cluster;

/// <summary>What a node does in the cluster: a worker runs a replica (scheduler and engine); a frontend runs only the HTTP edge.</summary>
public enum NodeRole { Worker, Frontend }

/// <summary>
/// How a node joins the cluster: where its remoting listens, which nodes it contacts first, its role, and how long
/// an unreachable member may stay so before the split-brain resolver downs it.
/// </summary>
/// <param name="Host">the address other nodes reach this one at (also where it listens)</param>
/// <param name="Port">the remoting port; 0 picks a free one (then this node cannot be a seed for others)</param>
/// <param name="SeedNodes">akka.tcp://qwenvl@host:port addresses; a node that lists itself first forms the cluster</param>
/// <param name="DownAfter">the split-brain resolver's stable-after: unreachability lasting this long downs the member</param>
public sealed record ClusterSettings(string Host, int Port, IReadOnlyList<string> SeedNodes, NodeRole Role, TimeSpan DownAfter)
{
    /// <summary>The actor system's name, which every seed node address must carry.</summary>
    public const string SystemName = "qwenvl";

    public static readonly TimeSpan DefaultDownAfter = TimeSpan.FromSeconds(5);

    /// <summary>The role name members gossip (Akka's cluster roles).</summary>
    public string RoleName => RoleNameOf(Role);

    public static string RoleNameOf(NodeRole role) => role == NodeRole.Worker ? "worker" : "frontend";

    /// <summary>Checks each seed node's form: akka.tcp://qwenvl@host:port. Returns the message for the first bad one, else null.</summary>
    public static string? SeedNodeError(string address)
    {
        const string prefix = "akka.tcp://" + SystemName + "@";
        if (!address.StartsWith(prefix, StringComparison.Ordinal))
            return $"a seed node is written {prefix}host:port, got '{address}'";
        var hostPort = address[prefix.Length..];
        int colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort[(colon + 1)..], out int port) || port is < 1 or > 65535)
            return $"a seed node needs a host and a port (1 to 65535), got '{address}'";
        return null;
    }
}
