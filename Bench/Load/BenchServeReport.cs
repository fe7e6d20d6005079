namespace QwenVL.Bench.Load;

/// <summary>How many requests failed with one error message.</summary>
public sealed record ErrorCount(string Message, int Count);

/// <summary>
/// The result of a run, computed as benchmark_serving's calculate_metrics does: throughputs over the whole duration
/// counting only successful requests' tokens (input tokens from the server's usage, since the client has no
/// tokenizer); TTFT and E2E latency over successful requests; TPOT over those of two tokens or more; ITL over every gap
/// of every successful request. Failed requests are counted and their errors grouped, most frequent first.
/// </summary>
public sealed record BenchServeReport(
    int Completed,
    int Failed,
    double DurationSeconds,
    long TotalInputTokens,
    long TotalOutputTokens,
    LatencySummary Ttft,
    LatencySummary Tpot,
    LatencySummary Itl,
    LatencySummary E2el,
    IReadOnlyList<ErrorCount> Errors)
{
    public double RequestThroughput => PerSecond(Completed);

    public double OutputThroughput => PerSecond(TotalOutputTokens);

    public double TotalTokenThroughput => PerSecond(TotalInputTokens + TotalOutputTokens);

    public static BenchServeReport From(LoadRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var succeeded = run.Outcomes.Where(o => o.Success).ToArray();
        var errors = run.Outcomes.Where(o => !o.Success)
            .GroupBy(o => o.Error ?? "unknown error")
            .Select(g => new ErrorCount(g.Key, g.Count()))
            .OrderByDescending(e => e.Count).ThenBy(e => e.Message, StringComparer.Ordinal)
            .ToArray();
        return new BenchServeReport(
            succeeded.Length,
            run.Outcomes.Count - succeeded.Length,
            run.DurationSeconds,
            succeeded.Sum(o => (long)o.PromptTokens),
            succeeded.Sum(o => (long)o.OutputTokens),
            LatencySummary.OfSeconds(succeeded.Select(o => o.TtftSeconds)),
            LatencySummary.OfSeconds(succeeded.Select(o => o.TpotSeconds).OfType<double>()),
            LatencySummary.OfSeconds(succeeded.SelectMany(o => o.ItlSeconds)),
            LatencySummary.OfSeconds(succeeded.Select(o => o.LatencySeconds)),
            errors);
    }

    private double PerSecond(double count) => DurationSeconds > 0 ? count / DurationSeconds : 0;
}
