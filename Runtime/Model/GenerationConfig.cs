namespace QwenVL.Runtime.Model;

/// <summary>generation_config.json: the model's default sampling settings and stop tokens.</summary>
public sealed record GenerationConfig(
    int[] EosTokenIds,
    int? PadTokenId,
    bool? DoSample,
    double? Temperature,
    int? TopK,
    double? TopP,
    double? RepetitionPenalty)
{
    public static GenerationConfig Empty { get; } = new([], null, null, null, null, null, null);
}
