using QwenVL.Actors.Messages;

namespace QwenVL.Http.Metrics;

/// <summary>
/// Times one request from its events as they reach the edge: the first text delta gives the time to first token,
/// each later one an inter-token gap, the finish the end-to-end latency. Used by one request at a time.
/// </summary>
public sealed class RequestTimer(ServingMetrics metrics, TimeProvider time)
{
    private readonly long _start = time.GetTimestamp();
    private long _lastDelta;
    private bool _sawDelta;

    public void Observe(CompletionEvent e)
    {
        switch (e)
        {
            case TextDelta:
                long now = time.GetTimestamp();
                if (!_sawDelta) metrics.TimeToFirstToken.Observe(time.GetElapsedTime(_start, now).TotalSeconds);
                else metrics.InterTokenLatency.Observe(time.GetElapsedTime(_lastDelta, now).TotalSeconds);
                _lastDelta = now;
                _sawDelta = true;
                break;
            case ChoiceFinished finished:
                metrics.CountFinished(finished.Reason);
                break;
            case CompletionFinished:
                metrics.EndToEndLatency.Observe(time.GetElapsedTime(_start).TotalSeconds);
                break;
        }
    }
}
