using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using QwenVL.Actors.Messages;

namespace QwenVL.Actors;

/// <summary>
/// The replica in this process: each request gets a back-pressured stream, materialized once, whose
/// queue end is handed to a new request actor. Leaving the enumeration (a client gone) cancels the
/// stream, which the request actor sees and turns into an abort.
/// </summary>
public sealed class LocalCompletionService(IActorRef requests, IActorRef scheduler, IMaterializer materializer) : ICompletionService
{
    private const int StreamBuffer = 32;
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(5);

    public async IAsyncEnumerable<CompletionEvent> GenerateAsync(GenerateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (queue, source) = Source.Queue<CompletionEvent>(StreamBuffer, OverflowStrategy.Backpressure).PreMaterialize(materializer);
        requests.Tell(new RequestSupervisor.StartRequest(request, queue));
        await foreach (var e in source.RunAsAsyncEnumerable(materializer).WithCancellation(cancellationToken))
            yield return e;
    }

    public Task<ReplicaStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        scheduler.Ask<ReplicaStatus>(GetReplicaStatus.Instance, StatusTimeout, cancellationToken);
}
