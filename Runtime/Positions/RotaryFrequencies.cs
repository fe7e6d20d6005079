using QwenVL.Runtime.Model;

namespace QwenVL.Runtime.Positions;

/// <summary>
/// The inverse frequencies the rotary embeddings turn positions by, in float32 as transformers forms them, so that
/// every executor (the CPU one's rotaries, the CUDA one's tables on the device) rotates by the same numbers.
/// </summary>
public static class RotaryFrequencies
{
    /// <summary>The language model's M-RoPE: 1 / theta^(2j / head_dim) for each frequency j of the rotary half-dimension.</summary>
    public static float[] Text(TextConfig config)
    {
        int dim = config.HeadDim;
        var inverse = new float[dim / 2];
        for (int j = 0; j < inverse.Length; j++)
            inverse[j] = 1f / MathF.Pow((float)config.RopeTheta, (float)(2 * j) / dim);
        return inverse;
    }

    /// <summary>
    /// The vision tower's 2-D rotary: headDim/4 frequencies 1 / 10000^(2i / (headDim/2)); the first quarter of a head
    /// turns by them with the patch's row, the second with its column.
    /// </summary>
    public static float[] Vision(int headDim)
    {
        if (headDim <= 0 || headDim % 4 != 0) throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "a positive multiple of 4");
        int dim = headDim / 2;
        var inverse = new float[dim / 2];
        for (int i = 0; i < inverse.Length; i++) inverse[i] = 1f / MathF.Pow(10000f, (float)(2 * i) / dim);
        return inverse;
    }
}
