using System.Text.Json.Serialization;

namespace QwenVL.Http.Protocol;

/// <summary>OpenAI's error body, <c>{"error": {"message", "type", "param", "code"}}</c>, as vLLM writes it (code is the status).</summary>
public sealed record ErrorResponse(ErrorInfo Error);

public sealed record ErrorInfo(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    int Code);
