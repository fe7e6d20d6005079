namespace QwenVL.Runtime.Model;

/// <summary>What config.json says about a Qwen2-VL checkpoint, in either layout.</summary>
public sealed record ModelConfig(
    string Architecture,
    string ModelType,
    TextConfig Text,
    VisionConfig Vision,
    SpecialTokens Tokens);
