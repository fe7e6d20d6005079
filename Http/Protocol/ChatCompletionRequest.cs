using System.Text.Json;

namespace QwenVL.Http.Protocol;

/// <summary>The body of POST /v1/chat/completions, as OpenAI and vLLM accept it (unknown fields are ignored).</summary>
public sealed class ChatCompletionRequest
{
    public string? Model { get; set; }
    public List<ChatMessageDto>? Messages { get; set; }
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public int? TopK { get; set; }
    public double? MinP { get; set; }
    public int? N { get; set; }
    public int? MaxTokens { get; set; }
    public int? MaxCompletionTokens { get; set; }
    public int? MinTokens { get; set; }
    /// <summary>A string or an array of strings.</summary>
    public JsonElement? Stop { get; set; }
    public List<int>? StopTokenIds { get; set; }
    public long? Seed { get; set; }
    public bool? Logprobs { get; set; }
    public int? TopLogprobs { get; set; }
    public double? PresencePenalty { get; set; }
    public double? FrequencyPenalty { get; set; }
    public double? RepetitionPenalty { get; set; }
    public bool? IgnoreEos { get; set; }
    public bool? Stream { get; set; }
    public bool? SkipSpecialTokens { get; set; }
    /// <summary>vLLM's per-request arguments for the multimodal processor; Qwen2-VL's image pixel bounds.</summary>
    public MmProcessorKwargsDto? MmProcessorKwargs { get; set; }
}

/// <summary>One message; content is a string, null, or an array of typed parts.</summary>
public sealed class ChatMessageDto
{
    public string? Role { get; set; }
    public JsonElement? Content { get; set; }
}
