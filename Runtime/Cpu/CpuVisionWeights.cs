using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Model;

namespace QwenVL.Runtime.Cpu;

/// <summary>One vision block: pre-norm attention and pre-norm MLP, LayerNorms with bias.</summary>
public sealed record CpuVisionBlock(
    float[] Norm1Weight, float[] Norm1Bias, CpuLinear Qkv, CpuLinear Proj,
    float[] Norm2Weight, float[] Norm2Bias, CpuLinear Fc1, CpuLinear Fc2);

/// <summary>The vision tower's weights in float32: patch embedding, blocks and the PatchMerger.</summary>
public sealed record CpuVisionWeights(
    VisionConfig Config,
    CpuLinear PatchEmbed,
    CpuVisionBlock[] Blocks,
    float[] MergerNormWeight,
    float[] MergerNormBias,
    CpuLinear MergerFc1,
    CpuLinear MergerFc2)
{
    public long ParameterCount =>
        PatchEmbed.ParameterCount + MergerNormWeight.LongLength + MergerNormBias.LongLength + MergerFc1.ParameterCount + MergerFc2.ParameterCount
        + Blocks.Sum(b => b.Norm1Weight.LongLength + b.Norm1Bias.LongLength + b.Qkv.ParameterCount + b.Proj.ParameterCount
            + b.Norm2Weight.LongLength + b.Norm2Bias.LongLength + b.Fc1.ParameterCount + b.Fc2.ParameterCount);

    public static CpuVisionWeights Load(SafetensorsCheckpoint ckpt, VisionConfig c)
    {
        int e = c.EmbedDim, patchIn = c.InChannels * c.TemporalPatchSize * c.PatchSize * c.PatchSize;
        // The Conv3d's stride equals its kernel, so it is a matmul over the flattened (c, t, h, w) patch.
        var patch = ckpt.ReadFloat32("visual.patch_embed.proj.weight", e, c.InChannels, c.TemporalPatchSize, c.PatchSize, c.PatchSize);
        var blocks = new CpuVisionBlock[c.Depth];
        for (int i = 0; i < blocks.Length; i++) blocks[i] = LoadBlock(ckpt, c, i);
        int merged = e * c.SpatialMergeSize * c.SpatialMergeSize;
        return new CpuVisionWeights(c,
            new CpuLinear(patch, null, e, patchIn),
            blocks,
            ckpt.ReadFloat32("visual.merger.ln_q.weight", e),
            ckpt.ReadFloat32("visual.merger.ln_q.bias", e),
            Linear(ckpt, "visual.merger.mlp.0", merged, merged),
            Linear(ckpt, "visual.merger.mlp.2", c.OutHiddenSize, merged));
    }

    private static CpuVisionBlock LoadBlock(SafetensorsCheckpoint ckpt, VisionConfig c, int i)
    {
        string p = $"visual.blocks.{i}.";
        int e = c.EmbedDim, hidden = e * c.MlpRatio;
        return new CpuVisionBlock(
            ckpt.ReadFloat32(p + "norm1.weight", e), ckpt.ReadFloat32(p + "norm1.bias", e),
            Linear(ckpt, p + "attn.qkv", 3 * e, e), Linear(ckpt, p + "attn.proj", e, e),
            ckpt.ReadFloat32(p + "norm2.weight", e), ckpt.ReadFloat32(p + "norm2.bias", e),
            Linear(ckpt, p + "mlp.fc1", hidden, e), Linear(ckpt, p + "mlp.fc2", e, hidden));
    }

    private static CpuLinear Linear(SafetensorsCheckpoint ckpt, string prefix, int outFeatures, int inFeatures) =>
        new(ckpt.ReadFloat32(prefix + ".weight", outFeatures, inFeatures), ckpt.ReadFloat32(prefix + ".bias", outFeatures),
            outFeatures, inFeatures);
}
