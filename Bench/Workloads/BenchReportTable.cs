using System.Globalization;
using QwenVL.Bench.Load;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// The report as benchmark_serving prints it — the same labels, 40-column keys, two decimals — so its output can be
/// read (and grepped) as vLLM's is; each latency metric adds P50 and P90 to benchmark_serving's mean, median and P99.
/// Errors follow the table, grouped.
/// </summary>
public static class BenchReportTable
{
    private const int Width = 50;
    private const int MaxErrorsShown = 10;

    public static void Write(TextWriter output, BenchServeReport report, BenchServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(options);
        output.WriteLine(Title(" Serving Benchmark Result ", '='));
        Row(output, "Successful requests:", report.Completed.ToString(CultureInfo.InvariantCulture));
        Row(output, "Failed requests:", report.Failed.ToString(CultureInfo.InvariantCulture));
        if (options.MaxConcurrency is { } cap) Row(output, "Maximum request concurrency:", cap.ToString(CultureInfo.InvariantCulture));
        Row(output, "Request rate configured (RPS):", double.IsPositiveInfinity(options.RequestRate) ? "inf" : Number(options.RequestRate));
        Row(output, "Benchmark duration (s):", Number(report.DurationSeconds));
        Row(output, "Total input tokens:", report.TotalInputTokens.ToString(CultureInfo.InvariantCulture));
        Row(output, "Total generated tokens:", report.TotalOutputTokens.ToString(CultureInfo.InvariantCulture));
        Row(output, "Request throughput (req/s):", Number(report.RequestThroughput));
        Row(output, "Output token throughput (tok/s):", Number(report.OutputThroughput));
        Row(output, "Total Token throughput (tok/s):", Number(report.TotalTokenThroughput));
        Metric(output, "Time to First Token", "TTFT", report.Ttft);
        Metric(output, "Time per Output Token (excl. 1st token)", "TPOT", report.Tpot);
        Metric(output, "Inter-token Latency", "ITL", report.Itl);
        Metric(output, "End-to-end Latency", "E2EL", report.E2el);
        output.WriteLine(new string('=', Width));
        if (report.Errors.Count == 0) return;
        output.WriteLine("Errors:");
        foreach (var error in report.Errors.Take(MaxErrorsShown)) output.WriteLine($"  {error.Count} × {error.Message}");
        if (report.Errors.Count > MaxErrorsShown) output.WriteLine($"  ... and {report.Errors.Count - MaxErrorsShown} other errors (see --json)");
    }

    private static void Metric(TextWriter output, string title, string name, LatencySummary summary)
    {
        output.WriteLine(Title(title, '-'));
        Row(output, $"Mean {name} (ms):", Number(summary.MeanMs));
        Row(output, $"Median {name} (ms):", Number(summary.MedianMs));
        Row(output, $"P50 {name} (ms):", Number(summary.P50Ms));
        Row(output, $"P90 {name} (ms):", Number(summary.P90Ms));
        Row(output, $"P99 {name} (ms):", Number(summary.P99Ms));
    }

    /// <summary>The title centred in a rule of <see cref="Width"/> characters, as Python's '{:=^50}' format draws it (an odd fill character goes right).</summary>
    internal static string Title(string text, char fill)
    {
        int padding = Math.Max(Width - text.Length, 0);
        int left = padding / 2;
        return new string(fill, left) + text + new string(fill, padding - left);
    }

    private static void Row(TextWriter output, string key, string value) => output.WriteLine($"{key,-40} {value,-10}".TrimEnd());

    private static string Number(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
