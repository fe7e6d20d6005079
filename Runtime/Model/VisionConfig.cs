namespace QwenVL.Runtime.Model;

/// <summary>The vision tower's hyper-parameters, from config.json's vision_config.</summary>
public sealed record VisionConfig(
    int Depth,
    int EmbedDim,
    int NumHeads,
    int MlpRatio,
    int InChannels,
    int OutHiddenSize,
    int PatchSize,
    int SpatialMergeSize,
    int TemporalPatchSize);
