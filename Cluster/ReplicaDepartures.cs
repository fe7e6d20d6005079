using System.Collections.Concurrent;

namespace QwenVL.Cluster;

/// <summary>
/// A token per replica node that is cancelled when the node leaves the cluster (removed or downed), so that whatever waits
/// on that replica — an answer to a route request, the next event of its stream — stops waiting at once. The directory
/// reports departures; a node that comes back at the same address gets a fresh token.
/// </summary>
public sealed class ReplicaDepartures
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _nodes = new(StringComparer.Ordinal);

    /// <summary>Cancelled when <paramref name="node"/> leaves.</summary>
    public CancellationToken TokenFor(string node) => _nodes.GetOrAdd(node, _ => new CancellationTokenSource()).Token;

    public void Departed(string node)
    {
        if (!_nodes.TryRemove(node, out var departed)) return;
        departed.Cancel();
        departed.Dispose();
    }
}
