namespace QwenVL.Http.Protocol;

/// <summary>The body of POST /detokenize: token ids to turn back into text.</summary>
public sealed class DetokenizeRequest
{
    public string? Model { get; set; }
    public List<int>? Tokens { get; set; }
}

public sealed record DetokenizeResponse(string Prompt);
