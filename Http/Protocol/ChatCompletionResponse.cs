using System.Text.Json.Serialization;

namespace QwenVL.Http.Protocol;

/// <summary>The non-streaming answer of /v1/chat/completions.</summary>
public sealed record ChatCompletionResponse(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChatChoiceDto> Choices,
    UsageDto Usage);

/// <summary>logprobs is written as null when they were not asked for, as OpenAI writes it.</summary>
public sealed record ChatChoiceDto(
    int Index,
    AssistantMessageDto Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ChoiceLogprobsDto? Logprobs,
    string FinishReason);

/// <summary>content is null (and written as null) when the answer is a tool call, as OpenAI writes it.</summary>
public sealed record AssistantMessageDto(
    string Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Content,
    IReadOnlyList<ToolCallResponseDto>? ToolCalls = null);

/// <summary>A function call of the answer; arguments is the JSON text the model wrote.</summary>
public sealed record ToolCallResponseDto(string Id, string Type, FunctionCallResponseDto Function);

public sealed record FunctionCallResponseDto(string Name, string Arguments);

public sealed record ChoiceLogprobsDto(IReadOnlyList<TokenLogprobDto> Content);

public sealed record TokenLogprobDto(string Token, float Logprob, int[] Bytes, IReadOnlyList<TopLogprobDto> TopLogprobs);

public sealed record TopLogprobDto(string Token, float Logprob, int[] Bytes);

public sealed record UsageDto(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    public static UsageDto Of(int promptTokens, int completionTokens) => new(promptTokens, completionTokens, promptTokens + completionTokens);
}
