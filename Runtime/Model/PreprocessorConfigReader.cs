namespace QwenVL.Runtime.Model;

/// <summary>
/// Reads preprocessor_config.json of Qwen2VLImageProcessor. The pixel bounds appear in three spellings:
/// min_pixels/max_pixels at the top level (the 2B release), size.shortest_edge/size.longest_edge (newer
/// processors) and size.min_pixels/size.max_pixels (transformers 4.45–4.48). The top-level keys win, as in
/// the processor itself, where they override size. Missing fields take the processor's defaults.
/// </summary>
internal static class PreprocessorConfigReader
{
    public static PreprocessorConfig Defaults { get; } = new(
        MinPixels: 56 * 56,
        MaxPixels: 14 * 14 * 4 * 16384,
        PatchSize: 14,
        TemporalPatchSize: 2,
        MergeSize: 2,
        ImageMean: [0.48145466f, 0.4578275f, 0.40821073f],
        ImageStd: [0.26862954f, 0.26130258f, 0.27577711f]);

    public static PreprocessorConfig Read(ConfigSection s)
    {
        var d = Defaults;
        var size = s.Section("size");
        int minPixels = s.Int("min_pixels") ?? size?.Int("shortest_edge") ?? size?.Int("min_pixels") ?? d.MinPixels;
        int maxPixels = s.Int("max_pixels") ?? size?.Int("longest_edge") ?? size?.Int("max_pixels") ?? d.MaxPixels;
        if (minPixels <= 0 || maxPixels < minPixels)
            throw s.Error("min_pixels", $"and max_pixels must satisfy 0 < min ≤ max, found {minPixels} and {maxPixels}");

        var config = new PreprocessorConfig(
            MinPixels: minPixels,
            MaxPixels: maxPixels,
            PatchSize: ModelConfigReader.Positive(s, "patch_size", d.PatchSize),
            TemporalPatchSize: ModelConfigReader.Positive(s, "temporal_patch_size", d.TemporalPatchSize),
            MergeSize: ModelConfigReader.Positive(s, "merge_size", d.MergeSize),
            ImageMean: s.Floats("image_mean") ?? d.ImageMean,
            ImageStd: s.Floats("image_std") ?? d.ImageStd);
        if (config.ImageMean.Length != 3) throw s.Error("image_mean", $"must hold 3 values (RGB), found {config.ImageMean.Length}");
        if (config.ImageStd.Length != 3 || config.ImageStd.Any(x => x <= 0))
            throw s.Error("image_std", "must hold 3 positive values (RGB)");
        return config;
    }
}
