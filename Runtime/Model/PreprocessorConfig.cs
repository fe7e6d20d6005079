namespace QwenVL.Runtime.Model;

/// <summary>preprocessor_config.json of Qwen2VLImageProcessor.</summary>
public sealed record PreprocessorConfig(
    int MinPixels,
    int MaxPixels,
    int PatchSize,
    int TemporalPatchSize,
    int MergeSize,
    float[] ImageMean,
    float[] ImageStd);
