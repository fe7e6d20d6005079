namespace QwenVL.Bench.Load;

/// <summary>
/// What one benchmark request measured, in seconds from the moment it was sent: the first content token (TTFT), the
/// gaps between later content chunks (ITL), the end of its stream (latency), and the token counts the server's usage
/// chunk gave. A failed request keeps its error and the time it took to fail.
/// </summary>
public sealed record RequestOutcome(
    int Index,
    bool Success,
    string? Error,
    double TtftSeconds,
    IReadOnlyList<double> ItlSeconds,
    double LatencySeconds,
    int PromptTokens,
    int OutputTokens)
{
    public static RequestOutcome Failed(int index, string error, double latencySeconds) =>
        new(index, false, error, 0, [], latencySeconds, 0, 0);

    /// <summary>
    /// Time per output token after the first, (latency − TTFT) / (tokens − 1), as benchmark_serving defines it; null for
    /// a failed request or one of fewer than two tokens (benchmark_serving leaves those out of TPOT too).
    /// </summary>
    public double? TpotSeconds => Success && OutputTokens > 1 ? (LatencySeconds - TtftSeconds) / (OutputTokens - 1) : null;
}
