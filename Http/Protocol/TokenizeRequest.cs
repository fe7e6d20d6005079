namespace QwenVL.Http.Protocol;

/// <summary>
/// The body of POST /tokenize, in either of vLLM's two forms: a prompt, or chat messages rendered with the chat
/// template (add_generation_prompt defaults to true).
/// </summary>
public sealed class TokenizeRequest
{
    public string? Model { get; set; }
    public string? Prompt { get; set; }
    public List<ChatMessageDto>? Messages { get; set; }
    public bool? AddGenerationPrompt { get; set; }
}

public sealed record TokenizeResponse(int Count, int MaxModelLen, int[] Tokens);
