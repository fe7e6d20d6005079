using Akka.Actor;
using Akka.Streams;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors;

/// <summary>Starts one replica's actors (scheduler with its engine, and the request supervisor) in a system.</summary>
public static class Replica
{
    public static LocalCompletionService Start(ActorSystem system, IModelExecutor executor, SchedulerConfig config, RequestServices services,
        int index = 0)
    {
        var scheduler = system.ActorOf(SchedulerActor.Props(new Scheduler(config), EngineActor.Props(executor), index), $"scheduler-{index}");
        var requests = system.ActorOf(RequestSupervisor.Props(scheduler, services), $"requests-{index}");
        return new LocalCompletionService(requests, scheduler, system.Materializer());
    }
}
