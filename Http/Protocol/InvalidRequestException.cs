namespace QwenVL.Http.Protocol;

/// <summary>A request that cannot be served as written; Param names the offending field (OpenAI's error.param).</summary>
public sealed class InvalidRequestException(string message, string? param = null) : Exception(message)
{
    public string? Param { get; } = param;
}
