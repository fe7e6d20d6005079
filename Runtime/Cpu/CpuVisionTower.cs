using System.Numerics.Tensors;
using QwenVL.Runtime.Vision;

namespace QwenVL.Runtime.Cpu;

/// <summary>
/// Qwen2-VL's vision encoder in float32: patch embedding, blocks of full attention within each
/// frame (2-D rotary on q and k), then the PatchMerger folding 2×2 patches into one LLM token.
/// </summary>
public sealed class CpuVisionTower(CpuVisionWeights weights)
{
    private const float NormEps = 1e-6f;
    private readonly VisionRotary _rotary = new(weights.Config);

    /// <summary>The image's embeddings, [tokens, out_hidden], in the order of its &lt;|image_pad|&gt; tokens.</summary>
    public float[] Encode(PixelPatches image)
    {
        var c = weights.Config;
        int n = image.PatchCount, e = c.EmbedDim;
        var x = new float[n * e];
        weights.PatchEmbed.Forward(image.Values, n, x);
        var (cos, sin) = _rotary.Tables(image.GridH, image.GridW);
        foreach (var block in weights.Blocks) RunBlock(block, x, n, image.GridH * image.GridW, cos, sin);
        return Merge(x, n);
    }

    private void RunBlock(CpuVisionBlock b, float[] x, int n, int frame, float[] cos, float[] sin)
    {
        int e = weights.Config.EmbedDim;
        var normed = new float[n * e];
        CpuNorms.LayerNorm(x, b.Norm1Weight, b.Norm1Bias, NormEps, normed);
        var qkv = new float[n * 3 * e];
        b.Qkv.Forward(normed, n, qkv);
        Rotate(qkv, n, frame, cos, sin);
        var attention = new float[n * e];
        Attend(qkv, n, frame, attention);
        var projected = new float[n * e];
        b.Proj.Forward(attention, n, projected);
        TensorPrimitives.Add(x, projected, x);

        CpuNorms.LayerNorm(x, b.Norm2Weight, b.Norm2Bias, NormEps, normed);
        var hidden = new float[n * b.Fc1.Out];
        b.Fc1.Forward(normed, n, hidden);
        CpuActivations.QuickGelu(hidden);
        b.Fc2.Forward(hidden, n, projected);
        TensorPrimitives.Add(x, projected, x);
    }

    /// <summary>Rotates every q and k head of every patch; frames share one table.</summary>
    private void Rotate(float[] qkv, int n, int frame, float[] cos, float[] sin)
    {
        int e = weights.Config.EmbedDim, hd = _rotary.HeadDim, half = hd / 2;
        for (int r = 0; r < n; r++)
        {
            var c = cos.AsSpan((r % frame) * half, half);
            var s = sin.AsSpan((r % frame) * half, half);
            for (int head = 0; head < 2 * weights.Config.NumHeads; head++)
            {
                var v = qkv.AsSpan(r * 3 * e + head * hd, hd);
                for (int j = 0; j < half; j++)
                {
                    float x1 = v[j], x2 = v[j + half];
                    v[j] = x1 * c[j] - x2 * s[j];
                    v[j + half] = x2 * c[j] + x1 * s[j];
                }
            }
        }
    }

    /// <summary>Full (non-causal) attention among the patches of each frame, per head.</summary>
    private void Attend(float[] qkv, int n, int frame, float[] output)
    {
        int e = weights.Config.EmbedDim, heads = weights.Config.NumHeads, hd = _rotary.HeadDim, stride = 3 * e;
        float scale = 1f / MathF.Sqrt(hd);
        Parallel.For(0, n * heads, item =>
        {
            int r = item / heads, head = item % heads, start = r / frame * frame;
            var scores = new float[frame];
            var q = new ReadOnlySpan<float>(qkv, r * stride + head * hd, hd);
            for (int j = 0; j < frame; j++)
                scores[j] = TensorPrimitives.Dot(q, new ReadOnlySpan<float>(qkv, (start + j) * stride + e + head * hd, hd)) * scale;
            TensorPrimitives.SoftMax(scores, scores);
            var dst = new Span<float>(output, r * e + head * hd, hd);
            dst.Clear();
            for (int j = 0; j < frame; j++)
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(qkv, (start + j) * stride + 2 * e + head * hd, hd), scores[j], dst, dst);
        });
    }

    /// <summary>LayerNorm, then each run of merge² consecutive patches (one window) becomes one row.</summary>
    private float[] Merge(float[] x, int n)
    {
        var c = weights.Config;
        int window = c.SpatialMergeSize * c.SpatialMergeSize, rows = n / window;
        var normed = new float[x.Length];
        CpuNorms.LayerNorm(x, weights.MergerNormWeight, weights.MergerNormBias, NormEps, normed);
        var hidden = new float[rows * weights.MergerFc1.Out];
        weights.MergerFc1.Forward(normed, rows, hidden);
        CpuActivations.Gelu(hidden);
        var result = new float[rows * c.OutHiddenSize];
        weights.MergerFc2.Forward(hidden, rows, result);
        return result;
    }
}
