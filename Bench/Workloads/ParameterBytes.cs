using QwenVL.Runtime.Model;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// The model's size as hf_baseline.py states it: 2 bytes (bf16) per parameter of the language model and of the vision
/// tower, counted from the checkpoint's tensors whatever dtype they are stored in or the executor holds them in. A head
/// tied to the embedding is not stored, so it counts once, as in Hugging Face's named_parameters().
/// </summary>
public sealed record ParameterBytes(long LanguageModel, long VisionTower)
{
    private const int BytesPerParameter = 2;
    private const string VisionPrefix = "visual.";

    public static ParameterBytes Of(ModelDirectory model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var checkpoint = model.OpenCheckpoint();
        long language = 0, vision = 0;
        foreach (var name in checkpoint.Names)
        {
            long count = checkpoint.Info(name).ElementCount;
            if (name.StartsWith(VisionPrefix, StringComparison.Ordinal)) vision += count;
            else language += count;
        }
        return new ParameterBytes(BytesPerParameter * language, BytesPerParameter * vision);
    }
}
