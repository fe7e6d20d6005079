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
