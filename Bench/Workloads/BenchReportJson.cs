using System.Text.Json;
using QwenVL.Bench.Load;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// The result file of --json, with benchmark_serving's key names so tools that read its --save-result files read
/// this one: the run's settings, the totals and throughputs, mean/median/std/p50/p90/p99 per metric in milliseconds,
/// and per request (in order) the input and output lengths, TTFT, inter-token latencies and end-to-end latency in
/// seconds, and the error ("" for a success). An infinite request rate is written "inf", since JSON has no infinity.
/// </summary>
public static class BenchReportJson
{
    public static void Write(Stream output, BenchServeReport report, LoadRun run, BenchServeOptions options, string model, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(options);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("date", date.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("backend", "openai-chat");
        json.WriteString("base_url", options.BaseUrl.ToString());
        json.WriteString("model_id", model);
        json.WriteString("workload", options.Workload.ToString().ToLowerInvariant());
        json.WriteNumber("num_prompts", options.NumPrompts);
        if (double.IsPositiveInfinity(options.RequestRate)) json.WriteString("request_rate", "inf");
        else json.WriteNumber("request_rate", options.RequestRate);
        if (options.MaxConcurrency is { } cap) json.WriteNumber("max_concurrency", cap);
        else json.WriteNull("max_concurrency");
        json.WriteNumber("input_len", options.InputLen);
        json.WriteNumber("output_len", options.OutputLen);
        json.WriteNumber("seed", options.Seed);

        json.WriteNumber("duration", report.DurationSeconds);
        json.WriteNumber("completed", report.Completed);
        json.WriteNumber("failed", report.Failed);
        json.WriteNumber("total_input_tokens", report.TotalInputTokens);
        json.WriteNumber("total_output_tokens", report.TotalOutputTokens);
        json.WriteNumber("request_throughput", report.RequestThroughput);
        json.WriteNumber("output_throughput", report.OutputThroughput);
        json.WriteNumber("total_token_throughput", report.TotalTokenThroughput);
        Summary(json, "ttft", report.Ttft);
        Summary(json, "tpot", report.Tpot);
        Summary(json, "itl", report.Itl);
        Summary(json, "e2el", report.E2el);

        var outcomes = run.Outcomes;
        Numbers(json, "input_lens", outcomes.Select(o => (double)o.PromptTokens));
        Numbers(json, "output_lens", outcomes.Select(o => (double)o.OutputTokens));
        Numbers(json, "ttfts", outcomes.Select(o => o.TtftSeconds));
        json.WriteStartArray("itls");
        foreach (var outcome in outcomes)
        {
            json.WriteStartArray();
            foreach (var gap in outcome.ItlSeconds) json.WriteNumberValue(gap);
            json.WriteEndArray();
        }
        json.WriteEndArray();
        Numbers(json, "e2els", outcomes.Select(o => o.LatencySeconds));
        json.WriteStartArray("errors");
        foreach (var outcome in outcomes) json.WriteStringValue(outcome.Error ?? "");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Summary(Utf8JsonWriter json, string name, LatencySummary summary)
    {
        json.WriteNumber($"mean_{name}_ms", summary.MeanMs);
        json.WriteNumber($"median_{name}_ms", summary.MedianMs);
        json.WriteNumber($"std_{name}_ms", summary.StdMs);
        json.WriteNumber($"p50_{name}_ms", summary.P50Ms);
        json.WriteNumber($"p90_{name}_ms", summary.P90Ms);
        json.WriteNumber($"p99_{name}_ms", summary.P99Ms);
    }

    private static void Numbers(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteNumberValue(value);
        json.WriteEndArray();
    }
}
