using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Execution;

namespace QwenVL.Actors;

/// <summary>
/// Wraps one device's executor on a thread of its own (a pinned dispatcher): one step at a time,
/// replies with the sampled tokens. A failing step is answered with <see cref="StepFailed"/> and then
/// rethrown, so the supervisor restarts the actor; the executor outlives the restart.
/// </summary>
public sealed class EngineActor : ReceiveActor
{
    public const string DispatcherId = "qwenvl.engine-dispatcher";

    private readonly IModelExecutor _executor;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public EngineActor(IModelExecutor executor)
    {
        _executor = executor;
        Receive<ExecuteStep>(Execute);
    }

    public static Props Props(IModelExecutor executor) =>
        Akka.Actor.Props.Create(() => new EngineActor(executor)).WithDispatcher(DispatcherId);

    private void Execute(ExecuteStep step)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var result = _executor.Execute(step.Batch);
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
