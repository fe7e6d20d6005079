using System.Text.Json;

namespace QwenVL.Http.Protocol;

/// <summary>The body of POST /v1/completions (legacy text completions), as OpenAI and vLLM accept it.</summary>
public sealed class CompletionRequest : SamplingRequest
{
    /// <summary>A string, an array holding one string, or an array of token ids.</summary>
    public JsonElement? Prompt { get; set; }
    /// <summary>How many top logprobs to return per token (0 returns only the sampled token's); absent: none.</summary>
    public int? Logprobs { get; set; }
    public bool? Echo { get; set; }
    public string? Suffix { get; set; }
}
