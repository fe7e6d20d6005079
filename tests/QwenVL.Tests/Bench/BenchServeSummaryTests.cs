using Xunit;
using QwenVL.Bench.Load;
using QwenVL.Bench.Workloads;

namespace QwenVL.Tests.Bench;

/// <summary>The statistics of a benchmark report, against values worked out by hand (and by numpy for the percentiles).</summary>
public class BenchServeSummaryTests
{
    [Fact]
    public void Percentile_interpolates_linearly_between_closest_ranks_as_numpy_does()
    {
        double[] values = [15, 20, 35, 40, 50];
        // numpy.percentile([15, 20, 35, 40, 50], p): rank p/100 × 4.
        Assert.Equal(15, LatencySummary.Percentile(values, 0));
        Assert.Equal(29, LatencySummary.Percentile(values, 40), 9);
        Assert.Equal(35, LatencySummary.Percentile(values, 50));
        Assert.Equal(46, LatencySummary.Percentile(values, 90), 9);
        Assert.Equal(49.6, LatencySummary.Percentile(values, 99), 9);
        Assert.Equal(50, LatencySummary.Percentile(values, 100));
    }

    [Fact]
    public void Summary_of_four_latencies_in_seconds_is_reported_in_milliseconds()
    {
        var summary = LatencySummary.OfSeconds([0.004, 0.001, 0.003, 0.002]);
        Assert.Equal(4, summary.Count);
        Assert.Equal(2.5, summary.MeanMs, 9);
        Assert.Equal(2.5, summary.MedianMs, 9);
        Assert.Equal(2.5, summary.P50Ms, 9);
        // Ranks 2.7 and 2.97 between 3 ms and 4 ms.
        Assert.Equal(3.7, summary.P90Ms, 9);
        Assert.Equal(3.97, summary.P99Ms, 9);
        // Population deviation: sqrt((1.5² + 0.5² + 0.5² + 1.5²) / 4).
        Assert.Equal(Math.Sqrt(1.25), summary.StdMs, 9);
    }

    [Fact]
    public void Summary_of_one_value_is_that_value_everywhere_and_of_none_is_zero()
    {
        var one = LatencySummary.OfSeconds([0.25]);
        Assert.Equal([250, 250, 250, 250, 250, 0], new[] { one.MeanMs, one.MedianMs, one.P50Ms, one.P90Ms, one.P99Ms, one.StdMs });
        Assert.Equal(LatencySummary.Empty, LatencySummary.OfSeconds([]));
    }

    [Fact]
    public void Tpot_excludes_the_first_token_and_is_absent_below_two_tokens()
    {
        var outcome = new RequestOutcome(0, true, null, TtftSeconds: 0.1, ItlSeconds: [], LatencySeconds: 0.5, PromptTokens: 3, OutputTokens: 5);
        Assert.Equal(0.1, outcome.TpotSeconds!.Value, 12);
        Assert.Null((outcome with { OutputTokens = 1 }).TpotSeconds);
        Assert.Null(RequestOutcome.Failed(1, "boom", 0.5).TpotSeconds);
    }

    [Fact]
    public void Report_counts_only_successful_requests_in_throughput_and_latency_and_groups_errors()
    {
        RequestOutcome[] outcomes =
        [
            new(0, true, null, 0.1, [0.02, 0.03], 0.15, PromptTokens: 10, OutputTokens: 3),
            new(1, true, null, 0.2, [], 0.2, PromptTokens: 20, OutputTokens: 1),
            RequestOutcome.Failed(2, "boom", 0.01),
            RequestOutcome.Failed(3, "other", 0.01),
            RequestOutcome.Failed(4, "boom", 0.01),
        ];
        var report = BenchServeReport.From(new LoadRun(outcomes, DurationSeconds: 2));

        Assert.Equal(2, report.Completed);
        Assert.Equal(3, report.Failed);
        Assert.Equal(30, report.TotalInputTokens);
        Assert.Equal(4, report.TotalOutputTokens);
        Assert.Equal(1.0, report.RequestThroughput, 12);
        Assert.Equal(2.0, report.OutputThroughput, 12);
        Assert.Equal(17.0, report.TotalTokenThroughput, 12);
        Assert.Equal(150, report.Ttft.MeanMs, 9);
        Assert.Equal(175, report.E2el.MeanMs, 9);
        // Only the first request has two tokens or more: (0.15 − 0.1) / 2.
        Assert.Equal(1, report.Tpot.Count);
        Assert.Equal(25, report.Tpot.MeanMs, 9);
        Assert.Equal(2, report.Itl.Count);
        Assert.Equal(25, report.Itl.MeanMs, 9);
        Assert.Equal([new ErrorCount("boom", 2), new ErrorCount("other", 1)], report.Errors);
    }

    [Fact]
    public void Report_of_a_zero_length_run_has_zero_throughput_not_infinity()
    {
        var report = BenchServeReport.From(new LoadRun([RequestOutcome.Failed(0, "refused", 0)], DurationSeconds: 0));
        Assert.Equal(0, report.RequestThroughput);
        Assert.Equal(0, report.OutputThroughput);
    }

    [Fact]
    public void Table_uses_benchmark_servings_labels_and_centred_titles()
    {
        var report = BenchServeReport.From(new LoadRun([new RequestOutcome(0, true, null, 0.1, [0.05], 0.15, 10, 2)], 1));
        var text = new StringWriter();
        BenchReportTable.Write(text, report, new BenchServeOptions { BaseUrl = new Uri("http://h/"), MaxConcurrency = 4 });
        var lines = text.ToString().Split(Environment.NewLine);
        Assert.Equal("============ Serving Benchmark Result ============", lines[0]);
        Assert.Contains("Successful requests:                     1", lines);
        Assert.Contains("Maximum request concurrency:             4", lines);
        Assert.Contains("Request rate configured (RPS):           inf", lines);
        Assert.Contains("---------------Time to First Token----------------", lines);
        Assert.Contains("Mean TTFT (ms):                          100.00", lines);
        Assert.Contains("P99 TPOT (ms):                           50.00", lines);
        Assert.All(lines.Where(l => l.Length > 0 && !l.Contains(':', StringComparison.Ordinal)), l => Assert.Equal(50, l.Length));
    }
}
