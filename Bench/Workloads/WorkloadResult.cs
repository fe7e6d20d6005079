using System.Text.Json.Serialization;
using QwenVL.Bench.Load;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// One workload's figures. The first seven are hf_baseline.py's, defined as it defines them, so the two reports line
/// up; the rest say more about the same run. Times are seconds from the workload's submission.
/// </summary>
/// <param name="TtftSeconds">until every request had its first token (Hugging Face times one step of the whole batch)</param>
/// <param name="TotalSeconds">until the last request finished</param>
/// <param name="DecodeTokensPerSecondPerSequence">(new tokens per request − 1) / (total − ttft); for a constrained
/// workload, whose requests end when complete, the mean new tokens per request</param>
/// <param name="NewTokensPerRequest">what every request generates, or at most generates when constrained (its max_tokens)</param>
/// <param name="TtftFirstSeconds">the first request's first token</param>
/// <param name="TtftMedianSeconds">the median of the requests' first-token times</param>
/// <param name="CachedPromptTokens">prompt tokens the prefix cache supplied (Hugging Face has no such cache)</param>
/// <param name="Preemptions">sequences preempted for KV blocks during the workload</param>
public sealed record WorkloadResult(
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("prompt_tokens")] long PromptTokens,
    [property: JsonPropertyName("new_tokens")] long NewTokens,
    [property: JsonPropertyName("ttft_s")] double TtftSeconds,
    [property: JsonPropertyName("total_s")] double TotalSeconds,
    [property: JsonPropertyName("output_tok_per_s")] double OutputTokensPerSecond,
    [property: JsonPropertyName("decode_tok_per_s_per_seq")] double DecodeTokensPerSecondPerSequence,
    [property: JsonPropertyName("new_tokens_per_request")] int NewTokensPerRequest,
    [property: JsonPropertyName("new_tokens_min")] int NewTokensMin,
    [property: JsonPropertyName("new_tokens_max")] int NewTokensMax,
    [property: JsonPropertyName("ttft_first_s")] double TtftFirstSeconds,
    [property: JsonPropertyName("ttft_p50_s")] double TtftMedianSeconds,
    [property: JsonPropertyName("cached_prompt_tokens")] long CachedPromptTokens,
    [property: JsonPropertyName("preemptions")] long Preemptions)
{
    /// <summary>Constrained workloads: the outputs that parse as JSON objects.</summary>
    [JsonPropertyName("valid_fraction")] public double? ValidFraction { get; init; }

    /// <summary>Constrained workloads: the median host cost of one token's mask (fill and accept), microseconds.</summary>
    [JsonPropertyName("mask_us_p50")] public double? MaskMicrosecondsP50 { get; init; }

    [JsonPropertyName("mask_us_p99")] public double? MaskMicrosecondsP99 { get; init; }

    /// <summary>How the mask figures were taken (<see cref="ConstrainedOutputFigures.MaskTimingNote"/>).</summary>
    [JsonPropertyName("mask_us_measured")] public string? MaskTiming { get; init; }

    /// <summary>This result with a constrained workload's output figures.</summary>
    public WorkloadResult With(ConstrainedOutputResult outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        return this with
        {
            ValidFraction = outputs.ValidFraction,
            MaskMicrosecondsP50 = outputs.MaskMicrosecondsP50,
            MaskMicrosecondsP99 = outputs.MaskMicrosecondsP99,
            MaskTiming = ConstrainedOutputFigures.MaskTimingNote,
        };
    }

    public static WorkloadResult From(IReadOnlyList<RequestTiming> timings, int newTokensPerRequest, long preemptions)
    {
        ArgumentNullException.ThrowIfNull(timings);
        if (timings.Count == 0) throw new ArgumentException("a workload has at least one request", nameof(timings));
        long newTokens = timings.Sum(t => (long)t.NewTokens);
        double ttft = timings.Max(t => t.FirstTokenSeconds);
        double total = timings.Max(t => t.FinishedSeconds);
        return new WorkloadResult(
            timings.Count,
            timings.Sum(t => (long)t.PromptTokens),
            newTokens,
            ttft,
            total,
            newTokens / total,
            // hf_baseline.py's guard against a zero span, kept so the figures agree at the edges too.
            (newTokens / (double)timings.Count - 1) / Math.Max(total - ttft, 1e-9),
            newTokensPerRequest,
            timings.Min(t => t.NewTokens),
            timings.Max(t => t.NewTokens),
            timings.Min(t => t.FirstTokenSeconds),
            Median.Of(timings.Select(t => t.FirstTokenSeconds)),
            timings.Sum(t => (long)t.CachedPromptTokens),
            preemptions);
    }
}
