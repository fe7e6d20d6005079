using QwenVL.Actors.Messages;
using QwenVL.Http.Metrics;

namespace QwenVL.Http.Completions;

/// <summary>
/// One request's events from the completion service, its first event already read, so that the handler can answer
/// a refusal with an error status before it writes anything. <see cref="EventsAsync"/> gives every event from the
/// first to the terminal one, timing each for the metrics; a service that throws or ends early yields an internal
/// failure instead. Disposing the run disposes the service's stream, which ends the request if it is still going.
/// Cancellation (the client gone) is not turned into an event: it propagates.
/// </summary>
public sealed partial class CompletionRun : IAsyncDisposable
{
    private readonly IAsyncEnumerator<CompletionEvent> _events;
    private readonly RequestTimer _timer;
    private readonly ILogger _logger;
    private readonly CancellationToken _cancellation;
    private bool _started;

    private CompletionRun(string requestId, IAsyncEnumerator<CompletionEvent> events, CompletionEvent first, RequestTimer timer,
        ILogger logger, CancellationToken cancellation)
    {
        RequestId = requestId;
        _events = events;
        First = first;
        _timer = timer;
        _logger = logger;
        _cancellation = cancellation;
    }

    public string RequestId { get; }

    /// <summary><see cref="PromptAccepted"/>, or the <see cref="CompletionFailed"/> that refused the request.</summary>
    public CompletionEvent First { get; }

    public static async Task<CompletionRun> StartAsync(GenerateRequest request, CompletionServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var timer = services.Metrics.StartRequest(services.Time);
        LogSubmitted(services.Logger, request.RequestId, request.Sampling.N);
        var events = services.Completions.GenerateAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        CompletionEvent first;
        try
        {
            first = await NextAsync(events, request.RequestId, services.Logger, cancellationToken);
        }
        catch
        {
            await events.DisposeAsync();
            throw;
        }
        timer.Observe(first);
        if (first is CompletionFailed failed) LogFailed(services.Logger, request.RequestId, failed.Kind, failed.Message);
        return new CompletionRun(request.RequestId, events, first, timer, services.Logger, cancellationToken);
    }

    /// <summary>The request's events from <see cref="First"/> to the terminal one; enumerate once.</summary>
    public async IAsyncEnumerable<CompletionEvent> EventsAsync()
    {
        if (_started) throw new InvalidOperationException("a completion run's events can be read once");
        _started = true;
        yield return First;
        if (First is CompletionFailed) yield break;
        while (true)
        {
            var next = await NextAsync(_events, RequestId, _logger, _cancellation);
            _timer.Observe(next);
            if (next is CompletionFailed failed) LogFailed(_logger, RequestId, failed.Kind, failed.Message);
            if (next is CompletionFinished finished) LogFinished(_logger, RequestId, finished.PromptTokens, finished.CompletionTokens);
            yield return next;
            if (next is CompletionFinished or CompletionFailed) yield break;
        }
    }

    public ValueTask DisposeAsync() => _events.DisposeAsync();

    private static async Task<CompletionEvent> NextAsync(IAsyncEnumerator<CompletionEvent> events, string requestId, ILogger logger,
        CancellationToken cancellationToken)
    {
        try
        {
            if (await events.MoveNextAsync()) return events.Current;
            LogEndedEarly(logger, requestId);
            return new CompletionFailed(FailureKind.Internal, "The request ended before it finished; the server log has the details.");
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // The service is the boundary to the actor system: whatever breaks behind it becomes this request's failure.
            LogServiceFailed(logger, e, requestId);
            return new CompletionFailed(FailureKind.Internal, "The request failed inside the server; the server log has the details.");
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{RequestId}: submitted, n={N}")]
    private static partial void LogSubmitted(ILogger logger, string requestId, int n);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{RequestId}: finished, {PromptTokens} prompt tokens, {CompletionTokens} completion tokens")]
    private static partial void LogFinished(ILogger logger, string requestId, int promptTokens, int completionTokens);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{RequestId}: failed ({Kind}): {Message}")]
    private static partial void LogFailed(ILogger logger, string requestId, FailureKind kind, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "{RequestId}: the completion service's stream ended without a final event")]
    private static partial void LogEndedEarly(ILogger logger, string requestId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{RequestId}: the completion service failed")]
    private static partial void LogServiceFailed(ILogger logger, Exception exception, string requestId);
}
