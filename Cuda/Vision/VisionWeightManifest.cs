using QwenVL.Runtime.Model;

namespace QwenVL.Cuda.Vision;

/// <summary>One tensor of the vision tower as the device holds it: matrices in bf16, vectors (norms, biases) in fp32.</summary>
public sealed record VisionWeightTensor(string Name, long[] Shape, bool IsMatrix)
{
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Shape) n *= d;
            return n;
        }
    }

    public long DeviceBytes => ElementCount * (IsMatrix ? 2 : 4);
}

/// <summary>
/// Every checkpoint tensor the CUDA vision tower uploads, with the shape it must have, in upload order. The patch
/// embedding's Conv3d weight [width, C, T, P, P] is used as the matrix [width, C·T·P·P]: its stride equals its kernel.
/// The Conv3d has no bias; every Linear has one.
/// </summary>
public static class VisionWeightManifest
{
    public const string PatchEmbed = "visual.patch_embed.proj.weight";
    public const string MergerNormWeight = "visual.merger.ln_q.weight";
    public const string MergerNormBias = "visual.merger.ln_q.bias";
    public const string MergerFc1 = "visual.merger.mlp.0";
    public const string MergerFc2 = "visual.merger.mlp.2";

    public static string Block(int index) => $"visual.blocks.{index}.";

    public static IReadOnlyList<VisionWeightTensor> For(VisionConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        long e = c.EmbedDim, hidden = e * c.MlpRatio, merged = e * c.SpatialMergeSize * c.SpatialMergeSize;
        var list = new List<VisionWeightTensor>
        {
            new(PatchEmbed, [e, c.InChannels, c.TemporalPatchSize, c.PatchSize, c.PatchSize], IsMatrix: true),
        };
        for (int i = 0; i < c.Depth; i++)
        {
            string p = Block(i);
            Vector(list, p + "norm1.weight", e);
            Vector(list, p + "norm1.bias", e);
            Linear(list, p + "attn.qkv", 3 * e, e);
            Linear(list, p + "attn.proj", e, e);
            Vector(list, p + "norm2.weight", e);
            Vector(list, p + "norm2.bias", e);
            Linear(list, p + "mlp.fc1", hidden, e);
            Linear(list, p + "mlp.fc2", e, hidden);
        }
        Vector(list, MergerNormWeight, e);
        Vector(list, MergerNormBias, e);
        Linear(list, MergerFc1, merged, merged);
        Linear(list, MergerFc2, c.OutHiddenSize, merged);
        return list;
    }

    private static void Vector(List<VisionWeightTensor> list, string name, long length) => list.Add(new(name, [length], IsMatrix: false));

    private static void Linear(List<VisionWeightTensor> list, string prefix, long outFeatures, long inFeatures)
    {
        list.Add(new(prefix + ".weight", [outFeatures, inFeatures], IsMatrix: true));
        Vector(list, prefix + ".bias", outFeatures);
    }
}
