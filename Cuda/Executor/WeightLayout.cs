using QwenVL.Cuda.Memory;
using QwenVL.Runtime.Model;

namespace QwenVL.Cuda.Executor;

/// <summary>Where one decoder layer's weights sit in the weights block (byte offsets).</summary>
public sealed record LayerWeightOffsets(long InputNorm, long Qkv, long QkvBias, long O, long PostAttentionNorm, long GateUp, long Down);

/// <summary>
/// The language model's weights in one device block, planned on the host: matrices in bf16 as checkpoints store
/// them ([out, in], row-major), q/k/v rows stacked into one QKV matrix and gate/up rows into one GATE_UP matrix,
/// so each is one matmul; norm weights, the QKV bias and M-RoPE's inverse frequencies in fp32 (they are small and
/// are read by fp32 arithmetic). A tied lm_head is the embedding matrix itself.
/// </summary>
public sealed class WeightLayout
{
    private WeightLayout(TextConfig config, bool tiedLmHead, long embedding, LayerWeightOffsets[] layers, long finalNorm, long lmHead,
        long inverseFrequency, long bytes)
    {
        Config = config;
        TiedLmHead = tiedLmHead;
        Embedding = embedding;
        Layers = layers;
        FinalNorm = finalNorm;
        LmHead = lmHead;
        InverseFrequency = inverseFrequency;
        Bytes = bytes;
    }

    public TextConfig Config { get; }

    public bool TiedLmHead { get; }

    /// <summary>[vocab, hidden] bf16.</summary>
    public long Embedding { get; }

    public IReadOnlyList<LayerWeightOffsets> Layers { get; }

    /// <summary>[hidden] fp32.</summary>
    public long FinalNorm { get; }

    /// <summary>[vocab, hidden] bf16; equal to <see cref="Embedding"/> when tied.</summary>
    public long LmHead { get; }

    /// <summary>[head_dim / 2] fp32.</summary>
    public long InverseFrequency { get; }

    /// <summary>Bytes the block needs.</summary>
    public long Bytes { get; }

    public int QkvWidth => (Config.NumHeads + 2 * Config.NumKvHeads) * Config.HeadDim;

    public static WeightLayout Plan(TextConfig c, bool tiedLmHead)
    {
        long h = c.HiddenSize, v = c.VocabSize, inter = c.IntermediateSize;
        long q = (long)c.NumHeads * c.HeadDim, qkv = q + 2L * c.NumKvHeads * c.HeadDim;
        var arena = new DeviceArena(long.MaxValue);
        long embedding = arena.Allocate(v * h * 2);
        var layers = new LayerWeightOffsets[c.NumLayers];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = new LayerWeightOffsets(
                InputNorm: arena.Allocate(h * 4),
                Qkv: arena.Allocate(qkv * h * 2),
                QkvBias: arena.Allocate(qkv * 4),
                O: arena.Allocate(h * q * 2),
                PostAttentionNorm: arena.Allocate(h * 4),
                GateUp: arena.Allocate(2 * inter * h * 2),
                Down: arena.Allocate(h * inter * 2));
        }
        long finalNorm = arena.Allocate(h * 4);
        long lmHead = tiedLmHead ? embedding : arena.Allocate(v * h * 2);
        long inverseFrequency = arena.Allocate(c.HeadDim / 2 * 4);
        return new WeightLayout(c, tiedLmHead, embedding, layers, finalNorm, lmHead, inverseFrequency, arena.Used);
    }
}
