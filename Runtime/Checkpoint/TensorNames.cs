namespace QwenVL.Runtime.Checkpoint;

/// <summary>
/// Maps the tensor names different transformers versions write to one canonical layout: the one
/// Qwen2-VL-2B-Instruct was published with ("model.layers.N...", "visual.blocks.N...", "lm_head.weight").
/// </summary>
public static class TensorNames
{
    public const string LmHead = "lm_head.weight";
    public const string EmbedTokens = "model.embed_tokens.weight";

    // Stored prefix → canonical prefix, first match wins. Transformers ≥ 4.52 nests the decoder as
    // model.language_model and the vision tower as model.visual; LLaVA-style exports wrap the whole
    // causal LM as language_model, which puts both the decoder and its head under that prefix.
    private static readonly (string Stored, string Canonical)[] Prefixes =
    [
        ("model.language_model.", "model."),
        ("model.visual.", "visual."),
        ("language_model.model.", "model."),
        ("language_model.lm_head.", "lm_head."),
    ];

    public static string ToCanonical(string stored)
    {
        foreach (var (prefix, canonical) in Prefixes)
        {
            if (stored.StartsWith(prefix, StringComparison.Ordinal))
                return string.Concat(canonical, stored.AsSpan(prefix.Length));
        }
        return stored;
    }
}
