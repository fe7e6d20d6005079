using Akka.Actor;
using Akka.Cluster;
using QwenVL.Actors;
using QwenVL.Actors.Messages;
using QwenVL.Cluster.Messages;
using static Akka.Cluster.ClusterEvent;

namespace QwenVL.Cluster;

/// <summary>
/// Publishes its replica's load to the directory of every member, four times a second: the scheduler's status, a
/// growing sequence number and the count of requests served (the endpoint tells it of each). The reports go out with
/// the endpoint as their sender, which is how directories learn where to route. A member that joins later gets the
/// next report.
/// </summary>
internal sealed class LoadPublisher : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(2);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly HashSet<Address> _members = [];
    private readonly IActorRef _scheduler;
    private readonly string _self;
    private long _sequence, _served;
    private bool _asking;

    public LoadPublisher(IActorRef scheduler)
    {
        _scheduler = scheduler;
        _self = _cluster.SelfAddress.ToString();
        Receive<CurrentClusterState>(s =>
        {
            _members.Clear();
            foreach (var m in s.Members.Where(m => m.Status == MemberStatus.Up)) _members.Add(m.Address);
        });
        Receive<MemberUp>(m => _members.Add(m.Member.Address));
        Receive<MemberRemoved>(m => _members.Remove(m.Member.Address));
        Receive<IMemberEvent>(_ => { });
        Receive<Tick>(_ => AskStatus());
        Receive<RequestServed>(_ => _served++);
        Receive<ReplicaStatus>(Publish);
        Receive<Status.Failure>(_ => _asking = false);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IActorRef scheduler) => Akka.Actor.Props.Create(() => new LoadPublisher(scheduler));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, InitialStateAsSnapshot, typeof(IMemberEvent));
        Timers.StartPeriodicTimer("publish", Tick.Instance, Interval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void AskStatus()
    {
        // A busy scheduler answers late; one question at a time keeps the answers from piling up.
        if (_asking) return;
        _asking = true;
        _scheduler.Ask<ReplicaStatus>(GetReplicaStatus.Instance, StatusTimeout).PipeTo(Self);
    }

    private void Publish(ReplicaStatus status)
    {
        _asking = false;
        var report = new ReplicaLoadReport(_self, ++_sequence, status, _served);
        foreach (var member in _members)
            Context.ActorSelection(new RootActorPath(member) / "user" / ReplicaDirectory.Name).Tell(report, Context.Parent);
    }

    /// <summary>The endpoint took one more request (routed from any node, this one included).</summary>
    public sealed class RequestServed
    {
        public static RequestServed Instance { get; } = new();
        private RequestServed() { }
    }

    private sealed class Tick
    {
        public static Tick Instance { get; } = new();
        private Tick() { }
    }
}
