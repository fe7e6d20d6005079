using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using QwenVL.Actors;
using QwenVL.Actors.Messages;
using QwenVL.Cluster.Messages;

namespace QwenVL.Cluster;

/// <summary>
/// The serving system of a cluster node: each request goes to the replica the directory picks — the local one
/// directly, a remote one through its endpoint and a stream reference. A replica that does not take the request, or
/// that fails or leaves the cluster before the request produced anything (it may have been waiting there), is left out
/// and the request goes to the next; a stream that fails after output reached the client ends with an error event
/// naming the replica. Nothing waits without a deadline: a replica's departure ends what waits on it at once.
/// </summary>
public sealed class ClusterCompletionService(IActorRef directory, ICompletionService? local, IMaterializer materializer, ReplicaDepartures departures)
    : ICompletionService, IClusterMembership
{
    /// <summary>How many replicas one request tries before it fails.</summary>
    public const int MaxAttempts = 3;

    private static readonly TimeSpan DirectoryTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RouteTimeout = TimeSpan.FromSeconds(10);

    public async IAsyncEnumerable<CompletionEvent> GenerateAsync(GenerateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var excluded = new HashSet<string>(StringComparer.Ordinal);
        for (int attempt = 0; ; attempt++)
        {
            var choice = await directory.Ask<object>(new ChooseReplica(excluded), DirectoryTimeout, cancellationToken);
            if (choice is not ReplicaChosen chosen)
            {
                yield return new CompletionFailed(FailureKind.Overloaded, $"No replica can take the request: {((NoReplicaAvailable)choice).Reason}.");
                yield break;
            }
            if (chosen.IsLocal && local != null)
            {
                chosen.Endpoint.Tell(LocalRequestRouted.Instance);
                try
                {
                    await foreach (var e in local.GenerateAsync(request, cancellationToken)) yield return e;
                }
                finally
                {
                    directory.Tell(new RouteEnded(chosen.Node));
                }
                yield break;
            }
            var stream = new RemoteStream(chosen, materializer, departures.TokenFor(chosen.Node));
            try
            {
                await foreach (var e in stream.ReadAsync(request, cancellationToken)) yield return e;
            }
            finally
            {
                directory.Tell(new RouteEnded(chosen.Node));
            }
            if (stream.Outcome == RemoteOutcome.Completed) yield break;
            excluded.Add(chosen.Node);
            directory.Tell(new ReplicaUnresponsive(chosen.Node));
            if (stream.Outcome == RemoteOutcome.FailedAfterEvents || attempt + 1 >= MaxAttempts)
            {
                yield return new CompletionFailed(FailureKind.Internal, $"Replica {chosen.Node} failed while serving the request: {stream.Error}");
                yield break;
            }
        }
    }

    /// <summary>The whole cluster's load: the sums over the replicas that are serving; fails while none is.</summary>
    public async Task<ReplicaStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var view = await GetViewAsync(cancellationToken);
        var replicas = view.ServingReplicas.Select(m => m.Load!.Status).ToArray();
        if (replicas.Length == 0) throw new InvalidOperationException("no replica in the cluster is serving");
        return ReplicaStatus.Sum(replicas);
    }

    public Task<ClusterView> GetViewAsync(CancellationToken cancellationToken) =>
        directory.Ask<ClusterView>(GetClusterView.Instance, DirectoryTimeout, cancellationToken);

    private enum RemoteOutcome { Completed, FailedBeforeEvents, FailedAfterEvents }

    /// <summary>One attempt at a remote replica: the route request, then its events, with how it ended.</summary>
    private sealed class RemoteStream(ReplicaChosen replica, IMaterializer materializer, CancellationToken departed)
    {
        public RemoteOutcome Outcome { get; private set; } = RemoteOutcome.FailedBeforeEvents;

        public string Error { get; private set; } = "";

        public async IAsyncEnumerable<CompletionEvent> ReadAsync(GenerateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            // The stream reference itself ends only when Akka's death watch fires; the replica's departure ends it at once.
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, departed);
            ISourceRef<CompletionEvent>? events = null;
            try
            {
                var answer = await replica.Endpoint.Ask<object>(new RouteGenerate(request), RouteTimeout, linked.Token);
                events = answer as ISourceRef<CompletionEvent>;
                Error = answer is RouteRefused refused ? refused.Reason : events == null ? $"unexpected answer {answer.GetType().Name}" : "";
            }
            catch (Exception e) when (e is AskTimeoutException or TimeoutException)
            {
                Error = $"no answer within {RouteTimeout.TotalSeconds:F0} s";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Error = "it left the cluster";
            }
            if (events == null) yield break;

            bool terminal = false, any = false;
            CompletionEvent? held = null;
            await using var reader = events.Source.RunAsAsyncEnumerable(materializer).GetAsyncEnumerator(linked.Token);
            while (true)
            {
                try
                {
                    if (!await reader.MoveNextAsync()) break;
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    Error = departed.IsCancellationRequested ? "it left the cluster" : e.Message;
                    Outcome = any ? RemoteOutcome.FailedAfterEvents : RemoteOutcome.FailedBeforeEvents;
                    yield break;
                }
                // Acceptance alone is held back: a request still waiting in a replica that then leaves can go to another.
                if (!any && held == null && reader.Current is PromptAccepted)
                {
                    held = reader.Current;
                    continue;
                }
                if (held != null) yield return held;
                held = null;
                any = true;
                terminal |= reader.Current is CompletionFinished or CompletionFailed;
                yield return reader.Current;
            }
            if (terminal)
            {
                Outcome = RemoteOutcome.Completed;
                yield break;
            }
            Error = departed.IsCancellationRequested ? "it left the cluster" : "its stream ended without a final event";
            Outcome = any ? RemoteOutcome.FailedAfterEvents : RemoteOutcome.FailedBeforeEvents;
        }
    }
}
