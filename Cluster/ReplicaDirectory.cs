using Akka.Actor;
using Akka.Event;
using QwenVL.Cluster.Messages;
using QwenVL.Cluster.Routing;
using Akka.Cluster;
using static Akka.Cluster.ClusterEvent;

namespace QwenVL.Cluster;

/// <summary>
/// Every node's view of the replicas (at /user/replica-directory): membership from the cluster's events, load from the
/// reports each replica publishes. It answers which replica a request should go to (<see cref="ReplicaChooser"/>) and
/// what the cluster looks like. A replica is chosen only while its node is up and reachable and its last report is
/// fresh; a node that joins later is chosen as soon as its first report arrives.
/// </summary>
public sealed class ReplicaDirectory : ReceiveActor, IWithTimers
{
    public const string Name = "replica-directory";

    /// <summary>A replica silent for longer than this is not chosen (its node may be alive while its replica is not).</summary>
    public static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReplicaState> _replicas = new(StringComparer.Ordinal);
    private readonly string _self;
    private readonly string _selfRole;
    private DateTime _lastLog = DateTime.MinValue;

    private readonly ReplicaDepartures _departures;

    public ReplicaDirectory(string selfRole, ReplicaDepartures departures)
    {
        _departures = departures;
        _self = _cluster.SelfAddress.ToString();
        _selfRole = selfRole;
        Receive<CurrentClusterState>(OnSnapshot);
        // MemberRemoved is a status change too: it must be matched first.
        Receive<MemberRemoved>(m => Forget(m.Member.Address.ToString()));
        Receive<UnreachableMember>(m => _unreachable.Add(m.Member.Address.ToString()));
        Receive<ReachableMember>(m => _unreachable.Remove(m.Member.Address.ToString()));
        Receive<IMemberEvent>(OnMemberEvent);
        Receive<ReplicaLoadReport>(OnReport);
        Receive<ChooseReplica>(m => Sender.Tell(Choose(m.Excluded)));
        Receive<RouteEnded>(m => { if (_replicas.TryGetValue(m.Node, out var r)) r.InFlight = Math.Max(0, r.InFlight - 1); });
        Receive<ReplicaUnresponsive>(m => { if (_replicas.TryGetValue(m.Node, out var r)) r.Unresponsive = true; });
        Receive<GetClusterView>(_ => Sender.Tell(View()));
        Receive<DirectoryTick>(_ => LogLoad());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeRole role, ReplicaDepartures departures) =>
        Akka.Actor.Props.Create(() => new ReplicaDirectory(ClusterSettings.RoleNameOf(role), departures));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, InitialStateAsSnapshot, typeof(IMemberEvent), typeof(IReachabilityEvent));
        Timers.StartPeriodicTimer("tick", DirectoryTick.Instance, TickInterval);
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnSnapshot(CurrentClusterState state)
    {
        _members.Clear();
        foreach (var member in state.Members) _members[member.Address.ToString()] = member;
        _unreachable.Clear();
        foreach (var member in state.Unreachable) _unreachable.Add(member.Address.ToString());
    }

    private void OnMemberEvent(IMemberEvent e)
    {
        var node = e.Member.Address.ToString();
        _members[node] = e.Member;
        // A downed member never comes back as itself: what waits on it can stop now rather than at its removal.
        if (e.Member.Status == MemberStatus.Down) _departures.Departed(node);
    }

    private void Forget(string node)
    {
        _departures.Departed(node);
        _members.Remove(node);
        _unreachable.Remove(node);
        if (_replicas.Remove(node)) _log.Info("Replica {0} left the cluster", node);
    }

    private void OnReport(ReplicaLoadReport report)
    {
        if (_replicas.TryGetValue(report.Node, out var state))
        {
            if (report.Sequence <= state.Report.Sequence) return;
            state.Update(report, Sender);
            return;
        }
        _replicas[report.Node] = new ReplicaState(report, Sender);
        _log.Info("Replica {0} is serving ({1} KV blocks)", report.Node, report.Status.Scheduler.TotalBlocks);
    }

    private object Choose(IReadOnlySet<string> excluded)
    {
        var candidates = _replicas.Values
            .Where(r => IsServing(r) && !excluded.Contains(r.Report.Node))
            .Select(r => new ReplicaCandidate(r.Report.Node, r.Report.Node == _self, r.InFlight, r.OtherRequests, r.Report.Status.Scheduler.KvCacheUsage));
        if (ReplicaChooser.Choose(candidates) is not { } best)
            return new NoReplicaAvailable(_replicas.Count == 0
                ? "no replica has joined the cluster yet"
                : $"none of the cluster's {_replicas.Count} replicas is reachable and answering");
        var chosen = _replicas[best.Node];
        chosen.InFlight++;
        return new ReplicaChosen(best.Node, chosen.Endpoint, best.IsLocal);
    }

    private bool IsServing(ReplicaState replica)
    {
        var node = replica.Report.Node;
        return !replica.Unresponsive
            && DateTime.UtcNow - replica.ReceivedAt <= ReportTimeout
            && !_unreachable.Contains(node)
            && _members.TryGetValue(node, out var member) && member.Status == MemberStatus.Up;
    }

    private ClusterView View()
    {
        var nodes = _members.Keys.Union(_replicas.Keys).Order(StringComparer.Ordinal);
        var members = nodes.Select(node =>
        {
            _members.TryGetValue(node, out var member);
            _replicas.TryGetValue(node, out var replica);
            var roles = member?.Roles.Order(StringComparer.Ordinal).ToArray() ?? [];
            var status = member?.Status.ToString().ToLowerInvariant() ?? "removed";
            return new MemberView(node, roles, status, !_unreachable.Contains(node), replica != null && IsServing(replica), replica?.Report);
        }).ToArray();
        return new ClusterView(_self, _selfRole, members);
    }

    /// <summary>One line for the whole cluster every ten seconds while any replica holds requests.</summary>
    private void LogLoad()
    {
        var serving = _replicas.Values.Where(IsServing).Select(r => r.Report.Status.Scheduler).ToArray();
        if (serving.Length == 0 || serving.All(s => s.Running == 0 && s.Waiting == 0)) return;
        if (DateTime.UtcNow - _lastLog < LogInterval) return;
        _lastLog = DateTime.UtcNow;
        _log.Info("Cluster: {0} replicas serving of {1} members, Running: {2} reqs, Waiting: {3} reqs, mean KV cache usage: {4:F1}%",
            serving.Length, _members.Count, serving.Sum(s => s.Running), serving.Sum(s => s.Waiting), 100 * serving.Average(s => s.KvCacheUsage));
    }

    private sealed class ReplicaState(ReplicaLoadReport report, IActorRef endpoint)
    {
        /// <summary>This node's in-flight requests when the report came: about how many of its figures are ours.</summary>
        private int _inFlightAtReport;

        public ReplicaLoadReport Report { get; private set; } = report;
        public IActorRef Endpoint { get; private set; } = endpoint;
        public DateTime ReceivedAt { get; private set; } = DateTime.UtcNow;
        public bool Unresponsive { get; set; }

        /// <summary>Requests this node routed here that have not ended.</summary>
        public int InFlight { get; set; }

        public int OtherRequests => Math.Max(0, Report.Status.Scheduler.Running + Report.Status.Scheduler.Waiting - _inFlightAtReport);

        public void Update(ReplicaLoadReport report, IActorRef endpoint) =>
            (Report, Endpoint, ReceivedAt, Unresponsive, _inFlightAtReport) = (report, endpoint, DateTime.UtcNow, false, InFlight);
    }
}
