using System.Text.Json;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Http.Protocol;

/// <summary>
/// The request's sampling fields over the model's generation_config defaults, as vLLM applies
/// them: a field the request leaves out takes the model's default, then OpenAI's.
/// </summary>
public static class SamplingParamsMapper
{
    /// <summary>OpenAI's (and vLLM's) max_tokens for /v1/completions when the request leaves it out.</summary>
    public const int DefaultCompletionMaxTokens = 16;

    public static SamplingParams Map(ChatCompletionRequest r, GenerationConfig defaults)
    {
        ArgumentNullException.ThrowIfNull(r);
        return Map(r, defaults, r.MaxCompletionTokens ?? r.MaxTokens, r.Logprobs ?? false, r.TopLogprobs ?? 0, "top_logprobs");
    }

    /// <summary>/v1/completions: logprobs is the number of top logprobs, and max_tokens defaults to 16.</summary>
    public static SamplingParams Map(CompletionRequest r, GenerationConfig defaults)
    {
        ArgumentNullException.ThrowIfNull(r);
        return Map(r, defaults, r.MaxTokens ?? DefaultCompletionMaxTokens, r.Logprobs != null, r.Logprobs ?? 0, "logprobs");
    }

    private static SamplingParams Map(SamplingRequest r, GenerationConfig defaults, int? maxTokens, bool logprobs, int topLogprobs,
        string topLogprobsField)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var p = new SamplingParams
        {
            Temperature = r.Temperature ?? defaults.Temperature ?? 1.0,
            TopP = r.TopP ?? defaults.TopP ?? 1.0,
            TopK = r.TopK ?? defaults.TopK ?? 0,
            MinP = r.MinP ?? 0.0,
            RepetitionPenalty = r.RepetitionPenalty ?? defaults.RepetitionPenalty ?? 1.0,
            PresencePenalty = r.PresencePenalty ?? 0.0,
            FrequencyPenalty = r.FrequencyPenalty ?? 0.0,
            Seed = r.Seed,
            MaxTokens = maxTokens,
            MinTokens = r.MinTokens ?? 0,
            Logprobs = logprobs,
            TopLogprobs = topLogprobs,
            StopTokenIds = r.StopTokenIds ?? [],
            Stop = ParseStop(r.Stop),
            IgnoreEos = r.IgnoreEos ?? false,
            N = r.N ?? 1,
        };
        try
        {
            p.Validate();
        }
        catch (SamplingParamsException e)
        {
            // The sampler calls the count of top logprobs top_logprobs; /v1/completions calls it logprobs.
            if (e.Field == "top_logprobs")
                throw new InvalidRequestException(e.Message.Replace("top_logprobs", topLogprobsField, StringComparison.Ordinal), topLogprobsField);
            throw new InvalidRequestException(e.Message, e.Field);
        }
        return p;
    }

    private static IReadOnlyList<string> ParseStop(JsonElement? stop)
    {
        if (stop is not JsonElement s || s.ValueKind == JsonValueKind.Null) return [];
        if (s.ValueKind == JsonValueKind.String) return [s.GetString()!];
        if (s.ValueKind == JsonValueKind.Array && s.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
            return s.EnumerateArray().Select(e => e.GetString()!).ToArray();
        throw new InvalidRequestException("stop must be a string or an array of strings", "stop");
    }
}
