namespace QwenVL.Runtime.Model;

/// <summary>
/// Reads config.json's vision_config. Two namings exist for the tower's widths:
/// <list type="bullet">
/// <item>Qwen2-VL's: embed_dim is the tower's width and hidden_size the merger's output (the decoder width);</item>
/// <item>the later one (Qwen2.5-VL style): hidden_size is the tower's width and out_hidden_size the output.</item>
/// </list>
/// Which key wins: embed_dim and out_hidden_size always mean what they say. hidden_size is the tower's
/// width only when out_hidden_size is present and embed_dim is not; otherwise it is the output width.
/// Missing fields take the Qwen2-VL-2B values; a missing output width is the decoder's hidden size,
/// since the merger projects into it.
/// </summary>
internal static class VisionConfigReader
{
    public static VisionConfig Read(ConfigSection s, int textHiddenSize)
    {
        int? embedDim = s.Int("embed_dim");
        int? hiddenSize = s.Int("hidden_size");
        int? outHiddenSize = s.Int("out_hidden_size");
        bool hiddenIsTowerWidth = embedDim == null && outHiddenSize != null;

        int embed = Check(s, hiddenIsTowerWidth ? "hidden_size" : "embed_dim",
            embedDim ?? (hiddenIsTowerWidth ? hiddenSize : null) ?? 1280);
        int outHidden = Check(s, outHiddenSize != null ? "out_hidden_size" : "hidden_size",
            outHiddenSize ?? (hiddenIsTowerWidth ? null : hiddenSize) ?? textHiddenSize);
        int numHeads = ModelConfigReader.Positive(s, "num_heads", 16);
        if (embed % numHeads != 0)
            throw s.Error("num_heads", $"{numHeads} does not divide the tower width {embed}");

        return new VisionConfig(
            Depth: ModelConfigReader.Positive(s, "depth", 32),
            EmbedDim: embed,
            NumHeads: numHeads,
            MlpRatio: ReadMlpRatio(s, embed),
            // in_channels is the config class's attribute; in_chans is the name the 2B release wrote.
            InChannels: ModelConfigReader.Positive(s, s.Has("in_channels") ? "in_channels" : "in_chans", 3),
            OutHiddenSize: outHidden,
            // spatial_patch_size is a duplicate the 2B release also wrote; patch_size is what the model reads.
            PatchSize: ModelConfigReader.Positive(s, s.Has("patch_size") ? "patch_size" : "spatial_patch_size", 14),
            SpatialMergeSize: ModelConfigReader.Positive(s, "spatial_merge_size", 2),
            TemporalPatchSize: ModelConfigReader.Positive(s, "temporal_patch_size", 2));
    }

    // Qwen2-VL states the MLP width as a ratio; the later naming states intermediate_size instead.
    private static int ReadMlpRatio(ConfigSection s, int embed)
    {
        if (s.Has("mlp_ratio") || !s.Has("intermediate_size")) return ModelConfigReader.Positive(s, "mlp_ratio", 4);
        int intermediate = ModelConfigReader.Positive(s, "intermediate_size", 4 * embed);
        if (intermediate % embed != 0)
            throw s.Error("intermediate_size", $"{intermediate} is not a whole multiple of the tower width {embed}");
        return intermediate / embed;
    }

    private static int Check(ConfigSection s, string key, int value) =>
        value > 0 ? value : throw s.Error(key, $"must be positive, found {value}");
}
