using System.Text.Json;

namespace QwenVL.Http.Protocol;

/// <summary>
/// The fields /v1/chat/completions and /v1/completions share: the model name, streaming, and the sampling
/// settings (vLLM's extensions included). Each endpoint's body adds its prompt and its own form of logprobs.
/// </summary>
public abstract class SamplingRequest
{
    public string? Model { get; set; }
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public int? TopK { get; set; }
    public double? MinP { get; set; }
    public int? N { get; set; }
    public int? MaxTokens { get; set; }
    public int? MinTokens { get; set; }
    /// <summary>A string or an array of strings.</summary>
    public JsonElement? Stop { get; set; }
    public List<int>? StopTokenIds { get; set; }
    public long? Seed { get; set; }
    public double? PresencePenalty { get; set; }
    public double? FrequencyPenalty { get; set; }
    public double? RepetitionPenalty { get; set; }
    public bool? IgnoreEos { get; set; }
    public bool? Stream { get; set; }
    public StreamOptionsDto? StreamOptions { get; set; }
    public bool? SkipSpecialTokens { get; set; }
    /// <summary>vLLM's include_stop_str_in_output: keep the stop string that ended a choice in its text.</summary>
    public bool? IncludeStopStrInOutput { get; set; }
    /// <summary>OpenAI's map of token id (a string key) to a bias in [-100, 100] added to its logit.</summary>
    public JsonElement? LogitBias { get; set; }
}

/// <summary>stream_options of a streaming request; include_usage adds a last chunk with the usage.</summary>
public sealed class StreamOptionsDto
{
    public bool? IncludeUsage { get; set; }
}
