using Akka.Actor;
using Akka.Streams;
using QwenVL.Runtime.Execution;

namespace QwenVL.Actors;

/// <summary>
/// One replica's actors in a system — the scheduler with its engine over the executor, and the request supervisor —
/// with the completion service over them. Serving, a cluster worker, the simulator and the tests start a replica here.
/// </summary>
/// <param name="Scheduler">the scheduler actor: answers status queries (a cluster worker publishes them as its load)</param>
/// <param name="Requests">the request supervisor: starts one request actor per request</param>
public sealed record Replica(IActorRef Scheduler, IActorRef Requests, LocalCompletionService Completions)
{
    /// <param name="executor">the model's executor, its KV cache allocated for <see cref="ReplicaOptions.Scheduler"/>'s blocks</param>
    /// <param name="hooks">a simulation's observer and step durations; none when serving</param>
    public static Replica Start(ActorSystem system, IModelExecutor executor, ReplicaOptions options, RequestServices services, ReplicaHooks? hooks = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(options);
        hooks ??= ReplicaHooks.None;
        var policy = new Runtime.Scheduling.Scheduler(options.Scheduler);
        var scheduler = system.ActorOf(SchedulerActor.Props(policy, EngineActor.Props(executor, hooks), options.Index, options.StatusLog, hooks.Observer),
            $"scheduler-{options.Index}");
        var requests = system.ActorOf(RequestSupervisor.Props(scheduler, services), $"requests-{options.Index}");
        return new Replica(scheduler, requests, new LocalCompletionService(requests, scheduler, system.Materializer()));
    }
}
