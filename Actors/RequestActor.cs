using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors;

/// <summary>
/// One per request: prepares the prompt (template, tokens, images) off the mailbox, submits its n
/// sequences to the scheduler, turns their tokens into text deltas and pushes the events into the
/// request's stream one offer at a time, so a slow client slows only itself. A client that goes away
/// aborts the sequences; whatever ends this actor, the stream ends with a completion or an error.
/// </summary>
public sealed class RequestActor : ReceiveActor, IWithTimers
{
    private readonly GenerateRequest _request;
    private readonly ISourceQueueWithComplete<CompletionEvent> _stream;
    private readonly IActorRef _scheduler;
    private readonly RequestServices _services;
    private readonly CancellationTokenSource _preparation = new();
    private readonly Queue<CompletionEvent> _outbox = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private RequestChoices? _choices;
    private bool _offering, _ended;

    public ITimerScheduler Timers { get; set; } = null!;

    public RequestActor(GenerateRequest request, ISourceQueueWithComplete<CompletionEvent> stream, IActorRef scheduler, RequestServices services)
    {
        _request = request;
        _stream = stream;
        _scheduler = scheduler;
        _services = services;
        Receive<PromptPrepared>(Submit);
        Receive<PreparationFailed>(m => End(m.Failure));
        Receive<SequencesAccepted>(_ => Emit(new PromptAccepted(_choices!.PromptTokens)));
        Receive<SequencesRejected>(m => End(RequestFailures.Rejected(m.Reason, _choices!.PromptTokens, _services.MaxModelLength)));
        Receive<TokensGenerated>(m => Deliver(_choices!.Add(m.Tokens)));
        Receive<SequenceFinished>(m => Deliver(_choices!.Finish(m.Sequence)));
        Receive<SequencesFailed>(m => End(new CompletionFailed(FailureKind.Internal, "the engine failed while running this request: " + m.Reason)));
        Receive<OfferCompleted>(Offered);
        Receive<StreamClosed>(_ => ClientGone());
        Receive<RequestTimedOut>(_ => End(new CompletionFailed(FailureKind.Timeout,
            $"The request did not finish within the server's request timeout of {_services.RequestTimeout!.Value.TotalSeconds:0.#} s.")));
    }

    public static Props Props(GenerateRequest request, ISourceQueueWithComplete<CompletionEvent> stream, IActorRef scheduler, RequestServices services) =>
        Akka.Actor.Props.Create(() => new RequestActor(request, stream, scheduler, services));

    protected override void PreStart()
    {
        if (_services.RequestTimeout is { } timeout) Timers.StartSingleTimer("timeout", RequestTimedOut.Instance, timeout);
        _stream.WatchCompletionAsync().ContinueWith(_ => StreamClosed.Instance, TaskContinuationOptions.ExecuteSynchronously).PipeTo(Self);
        RequestPreparation.PrepareAsync(_request, _services, _preparation.Token)
            .PipeTo(Self, success: p => (object)p, failure: e => new PreparationFailed(RequestFailures.FromPreparation(e)));
    }

    private void Submit(PromptPrepared prepared)
    {
        var prompt = prepared.Prompt;
        var length = RequestFailures.CheckLength(prompt.Prompt.Tokens.Length, _request.Sampling.MaxTokens, _services.MaxModelLength);
        if (length != null)
        {
            End(length);
            return;
        }
        _choices = new RequestChoices(_request, prompt, prepared.Grammar, _services);
        _scheduler.Tell(new SubmitSequences(_choices.Sequences));
    }

    private void Deliver(IReadOnlyList<CompletionEvent> events)
    {
        foreach (var e in events) Emit(e);
        var stopped = _choices!.TakeStoppedByText();
        if (stopped.Count > 0) _scheduler.Tell(new AbortSequences(stopped));
        if (_choices.AllFinished) End(_choices.Summary());
    }

    private void Emit(CompletionEvent e)
    {
        if (_ended) return;
        _outbox.Enqueue(e);
        OfferNext();
    }

    /// <summary>The last event: no more are emitted; the stream completes once the outbox drains.</summary>
    private void End(CompletionEvent last)
    {
        if (_ended) return;
        if (last is CompletionFailed f) _log.Debug("Request {0} failed: {1}", _request.RequestId, f.Message);
        if (_choices != null && !_choices.AllFinished) _scheduler.Tell(new AbortSequences(_choices.Ids));
        Emit(last);
        _ended = true;
        OfferNext();
    }

    private void OfferNext()
    {
        if (_offering) return;
        if (_outbox.Count == 0)
        {
            if (_ended) Finish();
            return;
        }
        _offering = true;
        _stream.OfferAsync(_outbox.Dequeue())
            .PipeTo(Self, success: r => new OfferCompleted(r is QueueOfferResult.Enqueued), failure: _ => new OfferCompleted(false));
    }

    private void Offered(OfferCompleted m)
    {
        _offering = false;
        if (!m.Enqueued)
        {
            ClientGone();
            return;
        }
        OfferNext();
    }

    private void ClientGone()
    {
        if (_choices != null && !_choices.AllFinished) _scheduler.Tell(new AbortSequences(_choices.Ids));
        _ended = true;
        _outbox.Clear();
        Context.Stop(Self);
    }

    private void Finish()
    {
        _stream.Complete();
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        _preparation.Cancel();
        _preparation.Dispose();
        if (_ended) return;
        // Stopped by a failure: the client still gets an error, and the scheduler frees the blocks.
        if (_choices != null && !_choices.AllFinished) _scheduler.Tell(new AbortSequences(_choices.Ids));
        _stream.OfferAsync(new CompletionFailed(FailureKind.Internal, "the request failed inside the server"))
            .ContinueWith(_ => _stream.Complete(), TaskScheduler.Default);
    }
}
