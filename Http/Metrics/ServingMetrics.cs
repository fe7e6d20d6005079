using QwenVL.Runtime.Generation;

namespace QwenVL.Http.Metrics;

/// <summary>
/// What the HTTP edge measures from the requests' event streams, with vLLM's bucket bounds: time to first token,
/// the gaps between text deltas, whole-request latency, and finished choices by reason. The replica's own
/// counters and gauges come from its status at scrape time (see MetricsApi).
/// </summary>
public sealed class ServingMetrics
{
    private static readonly double[] TimeToFirstTokenBounds =
        [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0];

    private static readonly double[] InterTokenBounds =
        [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0];

    private static readonly double[] EndToEndBounds =
        [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0];

    private readonly long[] _finished = new long[Enum.GetValues<FinishReason>().Length];

    public LatencyHistogram TimeToFirstToken { get; } = new(TimeToFirstTokenBounds);
    public LatencyHistogram InterTokenLatency { get; } = new(InterTokenBounds);
    public LatencyHistogram EndToEndLatency { get; } = new(EndToEndBounds);

    public void CountFinished(FinishReason reason) => Interlocked.Increment(ref _finished[(int)reason]);

    public long Finished(FinishReason reason) => Interlocked.Read(ref _finished[(int)reason]);

    /// <summary>Starts timing one request now.</summary>
    public RequestTimer StartRequest(TimeProvider time) => new(this, time);
}
