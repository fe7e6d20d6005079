using Akka.Actor;
using Akka.Streams;
using QwenVL.Actors.Messages;

namespace QwenVL.Actors;

/// <summary>Parent of the request actors: a failing request stops (its PostStop reports the error), never restarts.</summary>
public sealed class RequestSupervisor : ReceiveActor
{
    public sealed record StartRequest(GenerateRequest Request, ISourceQueueWithComplete<CompletionEvent> Stream);

    public RequestSupervisor(IActorRef scheduler, RequestServices services)
    {
        Receive<StartRequest>(m => Context.ActorOf(RequestActor.Props(m.Request, m.Stream, scheduler, services)));
    }

    public static Props Props(IActorRef scheduler, RequestServices services) =>
        Akka.Actor.Props.Create(() => new RequestSupervisor(scheduler, services));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);
}
