using QwenVL.Actors;
using QwenVL.Cluster;

namespace QwenVL.Http.Live;

/// <summary>
/// Where a live event's figures come from: in a cluster, every replica's latest load report in this node's directory
/// (a frontend included); alone, the local replica's status. A status that cannot be read gives no replicas, so the
/// stream goes on and shows the gap.
/// </summary>
public static class LiveStatuses
{
    public const string Local = "local";

    public static async Task<IReadOnlyList<KeyValuePair<string, ReplicaStatus>>> ReadAsync(ICompletionService? completions,
        IClusterMembership? membership, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            if (membership != null)
            {
                var view = await membership.GetViewAsync(limit.Token);
                return view.Members.Where(m => m.Load != null).Select(m => KeyValuePair.Create(m.Node, m.Load!.Status)).ToArray();
            }
            if (completions == null) return [];
            return [KeyValuePair.Create(Local, await completions.GetStatusAsync(limit.Token))];
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }
}
