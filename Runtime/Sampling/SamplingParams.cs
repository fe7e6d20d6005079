using QwenVL.Runtime.Structured;

namespace QwenVL.Runtime.Sampling;

/// <summary>
/// A request's sampling settings, with vLLM's defaults and ranges. <see cref="Validate"/> runs once when the
/// request arrives; the <see cref="Sampler"/> trusts validated values and does not check them per token.
/// </summary>
public sealed record SamplingParams
{
    /// <summary>The most choices one request may ask for; each choice is a sequence holding KV blocks.</summary>
    public const int MaxN = 128;

    /// <summary>OpenAI's limit on top_logprobs; the sampler's top-logprobs scratch is sized by it.</summary>
    public const int MaxTopLogprobs = 20;

    /// <summary>Below this temperature sampling is greedy (vLLM's _SAMPLING_EPS).</summary>
    public const double GreedyTemperature = 1e-5;

    public double Temperature { get; init; } = 1.0;
    public double TopP { get; init; } = 1.0;
    /// <summary>0 or -1 turns top-k off.</summary>
    public int TopK { get; init; }
    public double MinP { get; init; }
    /// <summary>Applied once to every token of prompt and output: a positive logit is divided by it, a negative one multiplied.</summary>
    public double RepetitionPenalty { get; init; } = 1.0;
    /// <summary>Subtracted once from each token that occurs in the output.</summary>
    public double PresencePenalty { get; init; }
    /// <summary>Subtracted per occurrence in the output.</summary>
    public double FrequencyPenalty { get; init; }
    public long? Seed { get; init; }
    /// <summary>Null means up to the model's maximum length.</summary>
    public int? MaxTokens { get; init; }
    public int MinTokens { get; init; }
    public bool Logprobs { get; init; }
    public int TopLogprobs { get; init; }
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
    /// <summary>Stop strings; matched on detokenized text, not by the sampler.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];
    public bool IgnoreEos { get; init; }
    public int N { get; init; } = 1;
    /// <summary>Added to the logits before sampling (not to the logprobs, which stay those of the raw distribution).</summary>
    public IReadOnlyList<LogitBiasEntry> LogitBias { get; init; } = [];
    /// <summary>What every output must match (a JSON schema, any JSON object, a regex, one of some choices); null: free text.</summary>
    public GrammarSpec? Constraint { get; init; }

    public bool IsGreedy => Temperature < GreedyTemperature;

    /// <summary>Throws <see cref="SamplingParamsException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        // Written as !(x >= lo) so that NaN is rejected along with out-of-range numbers.
        if (!(Temperature >= 0) || double.IsPositiveInfinity(Temperature))
            Fail("temperature", $"temperature must be >= 0 and finite, got {Temperature}");
        if (!(TopP > 0 && TopP <= 1))
            Fail("top_p", $"top_p must be in (0, 1], got {TopP}");
        if (TopK < -1)
            Fail("top_k", $"top_k must be -1 or 0 (disabled) or at least 1, got {TopK}");
        if (!(MinP >= 0 && MinP <= 1))
            Fail("min_p", $"min_p must be in [0, 1], got {MinP}");
        if (!(RepetitionPenalty > 0) || double.IsPositiveInfinity(RepetitionPenalty))
            Fail("repetition_penalty", $"repetition_penalty must be > 0 and finite, got {RepetitionPenalty}");
        if (!(PresencePenalty >= -2 && PresencePenalty <= 2))
            Fail("presence_penalty", $"presence_penalty must be in [-2, 2], got {PresencePenalty}");
        if (!(FrequencyPenalty >= -2 && FrequencyPenalty <= 2))
            Fail("frequency_penalty", $"frequency_penalty must be in [-2, 2], got {FrequencyPenalty}");
        if (TopLogprobs is < 0 or > MaxTopLogprobs)
            Fail("top_logprobs", $"top_logprobs must be in [0, {MaxTopLogprobs}], got {TopLogprobs}");
        if (TopLogprobs > 0 && !Logprobs)
            Fail("top_logprobs", "top_logprobs needs logprobs to be true");
        if (MaxTokens is < 1)
            Fail("max_tokens", $"max_tokens must be at least 1, got {MaxTokens}");
        if (MinTokens < 0)
            Fail("min_tokens", $"min_tokens must be >= 0, got {MinTokens}");
        if (MinTokens > MaxTokens)
            Fail("min_tokens", $"min_tokens must be <= max_tokens ({MaxTokens}), got {MinTokens}");
        if (N is < 1 or > MaxN)
            Fail("n", $"n must be in [1, {MaxN}], got {N}");
        ValidateStopTokenIds();
        ValidateStop();
        ValidateLogitBias();
        // A constrained output ends at its end-of-sequence token once complete; with EOS ignored it could not end.
        if (IgnoreEos && Constraint != null)
            Fail("ignore_eos", "ignore_eos cannot be combined with a structured output constraint (response_format, guided_*, tools)");
    }

    private void ValidateLogitBias()
    {
        if (LogitBias is null) Fail("logit_bias", "logit_bias must be a map of token ids to numbers, got null");
        foreach (var entry in LogitBias)
        {
            if (entry.TokenId < 0) Fail("logit_bias", $"logit_bias: token id {entry.TokenId} is negative");
            if (!(Math.Abs(entry.Bias) <= LogitBiasEntry.MaxMagnitude))
                Fail("logit_bias", $"logit_bias: the bias of token {entry.TokenId} must be in [-100, 100], got {entry.Bias}");
        }
    }

    private void ValidateStopTokenIds()
    {
        if (StopTokenIds is null) Fail("stop_token_ids", "stop_token_ids must be a list, got null");
        for (int i = 0; i < StopTokenIds.Count; i++)
            if (StopTokenIds[i] < 0)
                Fail("stop_token_ids", $"stop_token_ids must be >= 0, got {StopTokenIds[i]} at index {i}");
    }

    private void ValidateStop()
    {
        if (Stop is null) Fail("stop", "stop must be a list of strings, got null");
        for (int i = 0; i < Stop.Count; i++)
            if (string.IsNullOrEmpty(Stop[i]))
                Fail("stop", $"stop strings must not be empty (index {i})");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(string field, string message) => throw new SamplingParamsException(field, message);
}
