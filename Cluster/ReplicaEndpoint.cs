using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using QwenVL.Actors;
using QwenVL.Actors.Messages;
using QwenVL.Cluster.Messages;

namespace QwenVL.Cluster;

/// <summary>
/// A worker's replica as other nodes reach it (at /user/replica): each <see cref="RouteGenerate"/> becomes a local request
/// whose events go back through a stream reference, so the sender's demand paces the stream across the network and a
/// sender that stops reading (or dies) cancels the request here, freeing its blocks. Its child publishes the replica's
/// load to every node.
/// </summary>
public sealed class ReplicaEndpoint : ReceiveActor
{
    public const string Name = "replica";

    private const int StreamBuffer = 32;

    private readonly IActorRef _requests;
    private readonly IMaterializer _materializer;
    private readonly IActorRef _load;

    public ReplicaEndpoint(Replica replica)
    {
        _requests = replica.Requests;
        _materializer = Context.Materializer();
        _load = Context.ActorOf(LoadPublisher.Props(replica.Scheduler), "load");
        Receive<RouteGenerate>(Start);
        Receive<LocalRequestRouted>(_ => _load.Tell(LoadPublisher.RequestServed.Instance));
    }

    public static Props Props(Replica replica) =>
        Akka.Actor.Props.Create(() => new ReplicaEndpoint(replica));

    private void Start(RouteGenerate message)
    {
        _load.Tell(LoadPublisher.RequestServed.Instance);
        var (queue, source) = Source.Queue<CompletionEvent>(StreamBuffer, OverflowStrategy.Backpressure).PreMaterialize(_materializer);
        _requests.Tell(new RequestSupervisor.StartRequest(message.Request, queue));
        source.RunWith(StreamRefs.SourceRef<CompletionEvent>(), _materializer).PipeTo(Sender);
    }
}

/// <summary>This node's router sent a request to the local replica directly (no stream reference): count it as served.</summary>
public sealed class LocalRequestRouted
{
    public static LocalRequestRouted Instance { get; } = new();
    private LocalRequestRouted() { }
}
