namespace QwenVL.Runtime.Generation;

/// <summary>Whether a request fits the model's context and the KV cache, worded as vLLM refuses it.</summary>
public static class ContextLength
{
    /// <summary>Null when the prompt and the requested completion fit <paramref name="maxModelLength"/>; else why not, and the field to blame.</summary>
    public static ContextRefusal? Check(int promptTokens, int? maxTokens, int maxModelLength)
    {
        if (promptTokens >= maxModelLength)
            return new ContextRefusal(
                $"This model's maximum context length is {maxModelLength} tokens. However, your request has {promptTokens} input tokens. " +
                "Please reduce the length of the input messages.", "messages");
        if (maxTokens is int m && promptTokens + m > maxModelLength)
            return new ContextRefusal(
                $"This model's maximum context length is {maxModelLength} tokens. However, you requested {promptTokens + m} tokens " +
                $"({promptTokens} in the messages, {m} in the completion). Please reduce the length of the messages or completion.", "max_tokens");
        return null;
    }

    /// <summary>A sequence that fits the context but not the whole KV cache.</summary>
    public static string ExceedsKvCache(int promptTokens, int maxModelLength) =>
        $"The request ({promptTokens} prompt tokens) needs more KV cache than this server has; the maximum context length is {maxModelLength} tokens.";
}

public sealed record ContextRefusal(string Message, string Param);
