using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Execution;

namespace QwenVL.Actors;

/// <summary>
/// Wraps one device's executor on a thread of its own (a pinned dispatcher): one step at a time,
/// replies with the sampled tokens. A failing step is answered with <see cref="StepFailed"/> and then
/// rethrown, so the supervisor restarts the actor; the executor outlives the restart. With modelled step durations
/// (<see cref="ReplicaHooks.StepDurations"/>) a step is answered after its modelled duration on the system's scheduler,
/// which in a simulation is virtual time: the engine "takes" the step without sleeping.
/// </summary>
public sealed class EngineActor : ReceiveActor
{
    public const string DispatcherId = "qwenvl.engine-dispatcher";

    private readonly IModelExecutor _executor;
    private readonly ReplicaHooks _hooks;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public EngineActor(IModelExecutor executor, ReplicaHooks? hooks = null)
    {
        _executor = executor;
        _hooks = hooks ?? ReplicaHooks.None;
        Receive<ExecuteStep>(Execute);
    }

    public static Props Props(IModelExecutor executor, ReplicaHooks? hooks = null) =>
        Akka.Actor.Props.Create(() => new EngineActor(executor, hooks)).WithDispatcher(DispatcherId);

    private void Execute(ExecuteStep step)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var result = _executor.Execute(step.Batch);
            if (_hooks.StepDurations is { } modelled)
            {
                var scheduler = Context.System.Scheduler;
                var duration = modelled.LastStepDuration;
                var due = scheduler.Now + duration;
                // Scheduled before it is announced: a simulation's clock moves only once it knows when this step ends.
                scheduler.ScheduleTellOnce(duration, Sender, new StepCompleted(step.StepId, step.Batch, result, duration), Self);
                _hooks.Observer?.StepDue(step.StepId, due);
                return;
            }
            Sender.Tell(new StepCompleted(step.StepId, step.Batch, result, clock.Elapsed));
        }
        catch (Exception e)
        {
            _log.Error(e, "Step {0} failed", step.StepId);
            Sender.Tell(new StepFailed(step.StepId, e.Message));
            throw;
        }
    }
}
