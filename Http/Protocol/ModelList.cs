using System.Text.Json.Serialization;

namespace QwenVL.Http.Protocol;

/// <summary>The answer of GET /v1/models: one card per served model name.</summary>
public sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);

/// <summary>A served model as vLLM describes it: root is the checkpoint it was loaded from.</summary>
public sealed record ModelCard(
    string Id,
    string Object,
    long Created,
    string OwnedBy,
    string Root,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Parent,
    int MaxModelLen);
