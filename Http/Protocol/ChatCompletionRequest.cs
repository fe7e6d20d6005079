using System.Text.Json;

namespace QwenVL.Http.Protocol;

/// <summary>The body of POST /v1/chat/completions, as OpenAI and vLLM accept it (unknown fields are ignored).</summary>
public sealed class ChatCompletionRequest : SamplingRequest
{
    public List<ChatMessageDto>? Messages { get; set; }
    public int? MaxCompletionTokens { get; set; }
    public bool? Logprobs { get; set; }
    public int? TopLogprobs { get; set; }
    /// <summary>vLLM's per-request arguments for the multimodal processor; Qwen2-VL's image pixel bounds.</summary>
    public MmProcessorKwargsDto? MmProcessorKwargs { get; set; }
}

/// <summary>One message; content is a string, null, or an array of typed parts.</summary>
public sealed class ChatMessageDto
{
    public string? Role { get; set; }
    public JsonElement? Content { get; set; }
}
