using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Model;

namespace QwenVL.Runtime.Cpu;

/// <summary>The language model's weights widened to float32, loaded once from the checkpoint.</summary>
public sealed class CpuWeights
{
    public TextConfig Config { get; }
    public float[] Embedding { get; }
    public CpuLayerWeights[] Layers { get; }
    public float[] FinalNorm { get; }
    public CpuLinear LmHead { get; }

    private CpuWeights(TextConfig config, float[] embedding, CpuLayerWeights[] layers, float[] finalNorm, CpuLinear lmHead)
    {
        Config = config;
        Embedding = embedding;
        Layers = layers;
        FinalNorm = finalNorm;
        LmHead = lmHead;
    }

    /// <summary>The values held; a head tied to the embedding shares its array, so it counts once (as in Hugging Face).</summary>
    public long ParameterCount =>
        Embedding.LongLength + FinalNorm.LongLength + (ReferenceEquals(LmHead.Weight, Embedding) ? 0 : LmHead.ParameterCount)
        + Layers.Sum(l => l.InputNorm.LongLength + l.PostAttentionNorm.LongLength
            + l.Qkv.ParameterCount + l.O.ParameterCount + l.GateUp.ParameterCount + l.Down.ParameterCount);

    public static CpuWeights Load(SafetensorsCheckpoint checkpoint, TextConfig c)
    {
        long h = c.HiddenSize, v = c.VocabSize;
        var embedding = checkpoint.ReadFloat32("model.embed_tokens.weight", v, h);
        var layers = new CpuLayerWeights[c.NumLayers];
        for (int i = 0; i < layers.Length; i++) layers[i] = LoadLayer(checkpoint, c, i);
        var finalNorm = checkpoint.ReadFloat32("model.norm.weight", h);
        var lmHeadWeight = checkpoint.LmHeadName == "model.embed_tokens.weight"
            ? embedding
            : checkpoint.ReadFloat32(checkpoint.LmHeadName, v, h);
        var lmHead = new CpuLinear(lmHeadWeight, null, c.VocabSize, c.HiddenSize);
        return new CpuWeights(c, embedding, layers, finalNorm, lmHead);
    }

    private static CpuLayerWeights LoadLayer(SafetensorsCheckpoint ckpt, TextConfig c, int i)
    {
        string p = $"model.layers.{i}.";
        long h = c.HiddenSize, q = (long)c.NumHeads * c.HeadDim, kv = (long)c.NumKvHeads * c.HeadDim, inter = c.IntermediateSize;
        var qkvWeight = Concat(
            ckpt.ReadFloat32(p + "self_attn.q_proj.weight", q, h),
            ckpt.ReadFloat32(p + "self_attn.k_proj.weight", kv, h),
            ckpt.ReadFloat32(p + "self_attn.v_proj.weight", kv, h));
        var qkvBias = Concat(
            ckpt.ReadFloat32(p + "self_attn.q_proj.bias", q),
            ckpt.ReadFloat32(p + "self_attn.k_proj.bias", kv),
            ckpt.ReadFloat32(p + "self_attn.v_proj.bias", kv));
        var gateUp = Concat(
            ckpt.ReadFloat32(p + "mlp.gate_proj.weight", inter, h),
            ckpt.ReadFloat32(p + "mlp.up_proj.weight", inter, h));
        return new CpuLayerWeights(
            ckpt.ReadFloat32(p + "input_layernorm.weight", h),
            new CpuLinear(qkvWeight, qkvBias, (int)(q + 2 * kv), (int)h),
            new CpuLinear(ckpt.ReadFloat32(p + "self_attn.o_proj.weight", h, q), null, (int)h, (int)q),
            ckpt.ReadFloat32(p + "post_attention_layernorm.weight", h),
            new CpuLinear(gateUp, null, (int)(2 * inter), (int)h),
            new CpuLinear(ckpt.ReadFloat32(p + "mlp.down_proj.weight", h, inter), null, (int)h, (int)inter));
    }

    private static float[] Concat(params float[][] parts)
    {
        var result = new float[parts.Sum(p => p.Length)];
        int offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }
        return result;
    }
}
