using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors;

/// <summary>
/// Owns one replica's <see cref="Scheduler"/>: admits sequences, sends one step at a time to the engine,
/// routes each step's tokens to the request actors that own the sequences. The policy lives in the
/// Scheduler; this actor adds messaging, the owner map, supervision of the engine and the status line.
/// </summary>
public sealed class SchedulerActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan StatusInterval = TimeSpan.FromSeconds(10);

    private readonly Scheduler _scheduler;
    private readonly IActorRef _engine;
    private readonly Dictionary<SequenceId, IActorRef> _owners = new();
    private readonly Dictionary<IActorRef, List<SequenceId>> _byOwner = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly StatusLine _status;
    private readonly ILogger _statusLog;
    private readonly IStepObserver? _observer;
    private readonly StepStatistics _steps = new();
    private readonly SequenceLatencies _latencies = new();
    private long _nextStepId;
    private long? _inFlight;
    private StepBudgetUse _inFlightBudgetUse;

    public ITimerScheduler Timers { get; set; } = null!;

    public SchedulerActor(Scheduler scheduler, Props engineProps, int replicaIndex = 0, ILogger? statusLog = null, IStepObserver? observer = null)
    {
        _scheduler = scheduler;
        _observer = observer;
        _statusLog = statusLog ?? NullLogger.Instance;
        _engine = Context.ActorOf(engineProps, "engine");
        _status = new StatusLine(replicaIndex);
        Receive<SubmitSequences>(Submit);
        Receive<AbortSequences>(m => Abort(m.Ids));
        Receive<StepCompleted>(Completed);
        Receive<StepFailed>(Failed);
        Receive<Terminated>(t => OwnerGone(t.ActorRef));
        Receive<GetReplicaStatus>(_ => Sender.Tell(Status()));
        Receive<LogStatusTick>(_ => LogStatus());
    }

    /// <param name="statusLog">where the periodic status line goes (the host's logging); Akka's log when null</param>
    /// <param name="observer">sees submissions and steps (a simulation's <see cref="ReplicaHooks.Observer"/>); none when serving</param>
    public static Props Props(Scheduler scheduler, Props engineProps, int replicaIndex = 0, ILogger? statusLog = null, IStepObserver? observer = null) =>
        Akka.Actor.Props.Create(() => new SchedulerActor(scheduler, engineProps, replicaIndex, statusLog, observer));

    /// <summary>The engine is restarted on failure; the scheduler has already failed the step's sequences.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: -1, withinTimeRange: Timeout.InfiniteTimeSpan, _ => Directive.Restart);

    private void Submit(SubmitSequences m)
    {
        var accepted = new List<SequenceId>(m.Sequences.Count);
        foreach (var request in m.Sequences)
        {
            var outcome = _scheduler.Add(request);
            if (outcome == AddOutcome.Accepted)
            {
                accepted.Add(request.Id);
                continue;
            }
            foreach (var id in accepted) _scheduler.Abort(id);
            _observer?.Submitted(m.Sequences, outcome, Context.System.Scheduler.Now);
            Sender.Tell(new SequencesRejected(outcome));
            return;
        }
        var now = Context.System.Scheduler.Now;
        _observer?.Submitted(m.Sequences, AddOutcome.Accepted, now);
        foreach (var id in accepted)
        {
            _owners[id] = Sender;
            _latencies.Submitted(id, now);
        }
        if (!_byOwner.TryGetValue(Sender, out var owned))
        {
            _byOwner[Sender] = owned = new List<SequenceId>();
            Context.Watch(Sender);
        }
        owned.AddRange(accepted);
        Sender.Tell(new SequencesAccepted(accepted));
        if (!Timers.IsTimerActive("status")) Timers.StartPeriodicTimer("status", LogStatusTick.Instance, StatusInterval);
        TryStep();
    }

    private void Abort(IReadOnlyList<SequenceId> ids)
    {
        foreach (var id in ids)
        {
            _scheduler.Abort(id);
            Forget(id);
        }
    }

    private void OwnerGone(IActorRef owner)
    {
        if (_byOwner.TryGetValue(owner, out var ids)) Abort(ids.ToArray());
    }

    private void TryStep()
    {
        if (_inFlight != null || !_scheduler.HasWork) return;
        var batch = _scheduler.Schedule();
        if (batch == null) return;
        _inFlight = ++_nextStepId;
        _inFlightBudgetUse = _scheduler.LastStep;
        _observer?.StepSent(_inFlight.Value, batch, Context.System.Scheduler.Now);
        _engine.Tell(new ExecuteStep(_inFlight.Value, batch));
    }

    private void Completed(StepCompleted m)
    {
        if (m.StepId != _inFlight) return;
        _inFlight = null;
        var now = Context.System.Scheduler.Now;
        _steps.StepCompleted(_inFlightBudgetUse, m.Duration);
        var outcome = _scheduler.Update(m.Batch, m.Result);
        DeliverTokens(outcome.Tokens, now);
        foreach (var finished in outcome.Finished)
        {
            if (_owners.TryGetValue(finished.Id, out var owner)) owner.Tell(new SequenceFinished(finished));
            _latencies.Finished(finished, now);
            Forget(finished.Id);
        }
        TryStep();
        // Told after the next step is sent, so an observer never sees a moment with no step in flight while there is work.
        _observer?.StepCompleted(m.StepId, m.Batch, outcome, Context.System.Scheduler.Now);
    }

    /// <summary>One message per request actor per step, holding that request's tokens.</summary>
    private void DeliverTokens(IReadOnlyList<GeneratedToken> tokens, DateTimeOffset now)
    {
        if (tokens.Count == 0) return;
        var perOwner = new Dictionary<IActorRef, List<GeneratedToken>>();
        foreach (var token in tokens)
        {
            _latencies.TokenGenerated(token.Id, now);
            if (!_owners.TryGetValue(token.Id, out var owner)) continue;
            if (!perOwner.TryGetValue(owner, out var list)) perOwner[owner] = list = new List<GeneratedToken>(1);
            list.Add(token);
        }
        foreach (var (owner, list) in perOwner) owner.Tell(new TokensGenerated(list));
    }

    private void Failed(StepFailed m)
    {
        if (m.StepId != _inFlight) return;
        _inFlight = null;
        var failed = _scheduler.FailAll(m.Reason);
        var perOwner = failed.Where(_owners.ContainsKey).GroupBy(id => _owners[id]);
        foreach (var group in perOwner) group.Key.Tell(new SequencesFailed(group.ToArray(), m.Reason));
        foreach (var id in failed) Forget(id);
        _log.Error("Engine step {0} failed; {1} sequence(s) failed with it: {2}", m.StepId, failed.Count, m.Reason);
    }

    private void Forget(SequenceId id)
    {
        _latencies.Forget(id);
        if (!_owners.Remove(id, out var owner)) return;
        var owned = _byOwner[owner];
        owned.Remove(id);
        if (owned.Count > 0) return;
        _byOwner.Remove(owner);
        Context.Unwatch(owner);
    }

    private ReplicaStatus Status()
    {
        var now = Context.System.Scheduler.Now;
        var activity = new ReplicaActivity(_steps.Steps, _steps.PrefillTokens, _steps.DecodeSequences, _steps.BudgetTokens, _steps.StepSeconds,
            _steps.RecentSteps(), _latencies.TimeToFirstToken.Percentiles(now), _latencies.TimePerOutputToken.Percentiles(now));
        return new ReplicaStatus(_scheduler.Stats, activity);
    }

    private void LogStatus()
    {
        var line = _status.Format(_scheduler.Stats);
        if (_statusLog is NullLogger) _log.Info(line);
        else StatusLogMessages.Status(_statusLog, line);
        if (!_scheduler.HasWork) Timers.Cancel("status");
    }
}
