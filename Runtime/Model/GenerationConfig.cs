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

    /// <summary>Reads a generation_config.json file on its own (vLLM's --generation-config DIR).</summary>
    public static GenerationConfig Load(string path) => GenerationConfigReader.Read(ConfigSection.Load(path));
}
