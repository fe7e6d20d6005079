using QwenVL.Actors.Messages;

namespace QwenVL.Actors;

/// <summary>
/// The serving system as the HTTP edge sees it: submit a request, read its events. Cancelling the
/// token (a client gone) aborts the request and frees its KV blocks. Implemented by the local replica
/// and, in a cluster, by the router that forwards to the least-loaded replica.
/// </summary>
public interface ICompletionService
{
    IAsyncEnumerable<CompletionEvent> GenerateAsync(GenerateRequest request, CancellationToken cancellationToken);

    Task<ReplicaStatus> GetStatusAsync(CancellationToken cancellationToken);
}

/// <summary>A replica's load and counters, as /metrics and the status log report them.</summary>
/// <param name="PeakBlocksInUse">the most KV blocks sequences held at once since the replica started</param>
/// <param name="Preempted">waiting requests' sequences that were preempted (counted in <paramref name="Waiting"/> too)</param>
/// <param name="Activity">the steps' counters and recent latencies for the live view; null where a status is made up (totals)</param>
public sealed record ReplicaStatus(
    int Running,
    int Waiting,
    double KvCacheUsage,
    long PrefixCacheQueries,
    long PrefixCacheHits,
    long PromptTokens,
    long GenerationTokens,
    long Preemptions,
    int TotalBlocks,
    int FreeBlocks,
    int PeakBlocksInUse,
    int Preempted = 0,
    ReplicaActivity? Activity = null);
