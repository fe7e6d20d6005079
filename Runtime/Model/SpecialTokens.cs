namespace QwenVL.Runtime.Model;

/// <summary>Token ids with a structural meaning in Qwen2-VL prompts.</summary>
public sealed record SpecialTokens(
    int BosTokenId,
    int EosTokenId,
    int ImageTokenId,
    int VideoTokenId,
    int VisionStartTokenId,
    int VisionEndTokenId);
