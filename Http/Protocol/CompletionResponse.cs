using System.Text.Json.Serialization;

namespace QwenVL.Http.Protocol;

/// <summary>
/// The answer of /v1/completions (object "text_completion"), whole or as one streamed chunk: a chunk carries
/// one choice's new text and no usage, the last chunk with include_usage no choices and the usage.
/// </summary>
public sealed record CompletionResponse(
    string Id,
    string Object,
    long Created,
    string Model,
    IReadOnlyList<CompletionChoiceDto> Choices,
    UsageDto? Usage);

public sealed record CompletionChoiceDto(
    int Index,
    string Text,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] CompletionLogprobsDto? Logprobs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason);

/// <summary>The legacy logprobs form: parallel lists per token, top logprobs as token → logprob maps.</summary>
public sealed record CompletionLogprobsDto(
    IReadOnlyList<int> TextOffset,
    IReadOnlyList<float> TokenLogprobs,
    IReadOnlyList<string> Tokens,
    IReadOnlyList<Dictionary<string, float>> TopLogprobs);
