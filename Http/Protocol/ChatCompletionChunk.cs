using System.Text.Json.Serialization;

namespace QwenVL.Http.Protocol;

/// <summary>
/// One server-sent event of a streaming /v1/chat/completions answer (object "chat.completion.chunk"). The last
/// chunk with stream_options.include_usage has no choices and carries the usage; the others have no usage.
/// </summary>
public sealed record ChatCompletionChunk(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<ChatChunkChoiceDto> Choices,
    UsageDto? Usage);

/// <summary>finish_reason and logprobs are written as null until they have a value, as OpenAI writes them.</summary>
public sealed record ChatChunkChoiceDto(
    int Index,
    ChatDeltaDto Delta,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] ChoiceLogprobsDto? Logprobs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason);

/// <summary>
/// What a chunk adds to the message: the role once at the start, then content (or tool-call pieces); empty in the
/// finishing chunk.
/// </summary>
public sealed record ChatDeltaDto(string? Role, string? Content, IReadOnlyList<ToolCallDeltaDto>? ToolCalls = null)
{
    public static ChatDeltaDto Empty { get; } = new(null, null);
}

/// <summary>
/// A piece of a streamed call, as OpenAI streams them: the first piece carries id, type and name (arguments ""), the
/// following ones only argument text to append; index says which call of the message it adds to.
/// </summary>
public sealed record ToolCallDeltaDto(int Index, string? Id, string? Type, FunctionCallDeltaDto Function);

public sealed record FunctionCallDeltaDto(string? Name, string? Arguments);
