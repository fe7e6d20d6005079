using QwenVL.Runtime.Checkpoint;

namespace QwenVL.Runtime.Model;

/// <summary>
/// Reads config.json in either layout transformers has written for Qwen2-VL:
/// <list type="bullet">
/// <item>flat (as Qwen2-VL-2B-Instruct was published): decoder fields at the top level, rope_theta beside them,
/// M-RoPE sections in rope_scaling.mrope_section;</item>
/// <item>nested (transformers ≥ 4.52 and v5): decoder fields under text_config, rope settings under
/// text_config.rope_scaling or text_config.rope_parameters.</item>
/// </list>
/// Which key wins: a key inside text_config wins over the same key at the top level; rope_parameters wins
/// over rope_scaling, and rope_parameters.rope_theta over a plain rope_theta. Missing fields take the
/// Qwen2-VL-2B-Instruct values.
/// </summary>
internal static class ModelConfigReader
{
    public const string SupportedArchitecture = "Qwen2VLForConditionalGeneration";
    public const string SupportedModelType = "qwen2_vl";

    private static readonly TextConfig Defaults2B = new(
        HiddenSize: 1536, IntermediateSize: 8960, NumLayers: 28, NumHeads: 12, NumKvHeads: 2, VocabSize: 151936,
        RmsNormEps: 1e-6, RopeTheta: 1e6, MropeSection: [16, 24, 24], MaxPositionEmbeddings: 32768,
        TieWordEmbeddings: true);

    // M-RoPE ("mrope", rewritten to "default" by newer transformers) is plain rotary with its frequencies split
    // into temporal/height/width sections; scaled variants (yarn, dynamic, linear) change the frequencies.
    private static readonly string[] SupportedRopeTypes = ["default", "mrope"];

    public static ModelConfig Read(ConfigSection root)
    {
        var (architecture, modelType) = CheckArchitecture(root);
        var textSection = root.Section("text_config")?.WithFallback(root) ?? root;
        var text = ReadText(textSection);
        var vision = VisionConfigReader.Read(root.SectionOrEmpty("vision_config"), text.HiddenSize);
        var tokens = ReadTokens(textSection);
        return new ModelConfig(architecture, modelType, text, vision, tokens);
    }

    private static (string Architecture, string ModelType) CheckArchitecture(ConfigSection root)
    {
        var architectures = root.Strings("architectures") ?? [];
        string? modelType = root.String("model_type");
        if (architectures.Contains(SupportedArchitecture)) return (SupportedArchitecture, modelType ?? SupportedModelType);
        if (modelType == SupportedModelType) return (architectures.FirstOrDefault() ?? SupportedArchitecture, modelType);
        string found = architectures.Length == 0 ? "no architectures" : "architectures [" + string.Join(", ", architectures) + "]";
        throw new CheckpointException(
            $"{root.File}: unsupported model: {found}, model_type {modelType ?? "(none)"}; " +
            $"supported: {SupportedArchitecture} (model_type {SupportedModelType})");
    }

    private static TextConfig ReadText(ConfigSection s)
    {
        var d = Defaults2B;
        var ropeParameters = s.Section("rope_parameters");
        var ropeScaling = s.Section("rope_scaling");
        CheckRopeType(ropeParameters);
        CheckRopeType(ropeScaling);
        var mropeSource = ropeParameters?.Has("mrope_section") == true ? ropeParameters
            : ropeScaling?.Has("mrope_section") == true ? ropeScaling : null;

        var text = new TextConfig(
            HiddenSize: Positive(s, "hidden_size", d.HiddenSize),
            IntermediateSize: Positive(s, "intermediate_size", d.IntermediateSize),
            NumLayers: Positive(s, "num_hidden_layers", d.NumLayers),
            NumHeads: Positive(s, "num_attention_heads", d.NumHeads),
            NumKvHeads: Positive(s, "num_key_value_heads", d.NumKvHeads),
            VocabSize: Positive(s, "vocab_size", d.VocabSize),
            RmsNormEps: s.Double("rms_norm_eps") ?? d.RmsNormEps,
            RopeTheta: ropeParameters?.Double("rope_theta") ?? s.Double("rope_theta") ?? d.RopeTheta,
            MropeSection: mropeSource?.Ints("mrope_section") ?? d.MropeSection,
            MaxPositionEmbeddings: Positive(s, "max_position_embeddings", d.MaxPositionEmbeddings),
            TieWordEmbeddings: s.Bool("tie_word_embeddings") ?? d.TieWordEmbeddings);
        CheckShapes(s, mropeSource ?? s, text);
        return text;
    }

    private static void CheckRopeType(ConfigSection? rope)
    {
        if (rope == null) return;
        // "rope_type" is the current spelling, "type" the legacy one; transformers reads rope_type first.
        string key = rope.Has("rope_type") ? "rope_type" : "type";
        string? type = rope.String(key);
        if (type != null && !SupportedRopeTypes.Contains(type))
            throw rope.Error(key, $"is '{type}', which is not supported (supported: {string.Join(", ", SupportedRopeTypes)})");
    }

    // The attention and M-RoPE code index by these quantities; a config that breaks them would fail later
    // with an index error far from the cause.
    private static void CheckShapes(ConfigSection s, ConfigSection mropeSource, TextConfig t)
    {
        if (t.HiddenSize % t.NumHeads != 0)
            throw s.Error("hidden_size", $"{t.HiddenSize} is not divisible by num_attention_heads {t.NumHeads}");
        if (t.NumHeads % t.NumKvHeads != 0)
            throw s.Error("num_attention_heads", $"{t.NumHeads} is not divisible by num_key_value_heads {t.NumKvHeads}");
        if (t.MropeSection.Length != 3 || t.MropeSection.Any(x => x <= 0) || t.MropeSection.Sum() * 2 != t.HeadDim)
            throw mropeSource.Error("mrope_section",
                $"is [{string.Join(", ", t.MropeSection)}]: expected 3 positive parts summing to head_dim / 2 = {t.HeadDim / 2}");
        if (t.RmsNormEps <= 0) throw s.Error("rms_norm_eps", $"must be positive, found {t.RmsNormEps}");
        if (t.RopeTheta <= 0) throw s.Error("rope_theta", $"must be positive, found {t.RopeTheta}");
    }

    private static SpecialTokens ReadTokens(ConfigSection s)
    {
        // config.json usually holds one eos id; generation_config.json holds the full stop list.
        int[]? eos = s.IntOrInts("eos_token_id");
        if (eos is { Length: 0 }) throw s.Error("eos_token_id", "is an empty list");
        return new SpecialTokens(
            BosTokenId: s.Int("bos_token_id") ?? 151643,
            EosTokenId: eos?[0] ?? 151645,
            ImageTokenId: s.Int("image_token_id") ?? 151655,
            VideoTokenId: s.Int("video_token_id") ?? 151656,
            VisionStartTokenId: s.Int("vision_start_token_id") ?? 151652,
            VisionEndTokenId: s.Int("vision_end_token_id") ?? 151653);
    }

    internal static int Positive(ConfigSection s, string key, int fallback)
    {
        int value = s.Int(key) ?? fallback;
        if (value <= 0) throw s.Error(key, $"must be positive, found {value}");
        return value;
    }
}
