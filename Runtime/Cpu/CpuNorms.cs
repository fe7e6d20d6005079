using System.Numerics.Tensors;

namespace QwenVL.Runtime.Cpu;

/// <summary>Row-wise normalisations of the decoder and the vision tower.</summary>
public static class CpuNorms
{
    /// <summary>y = x / sqrt(mean(x²) + eps) · w, per row, as Qwen2RMSNorm computes it in float32.</summary>
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y)
    {
        int h = weight.Length;
        for (int r = 0; r < x.Length / h; r++)
        {
            var row = x.Slice(r * h, h);
            var dst = y.Slice(r * h, h);
            float meanSquare = TensorPrimitives.SumOfSquares(row) / h;
            float scale = 1f / MathF.Sqrt(meanSquare + eps);
            TensorPrimitives.Multiply(row, scale, dst);
            TensorPrimitives.Multiply(dst, weight, dst);
        }
    }

    /// <summary>y = (x − mean) / sqrt(var + eps) · w + b, per row (biased variance, as torch's LayerNorm).</summary>
    public static void LayerNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, float eps, Span<float> y)
    {
        int h = weight.Length;
        for (int r = 0; r < x.Length / h; r++)
        {
            var row = x.Slice(r * h, h);
            var dst = y.Slice(r * h, h);
            float mean = TensorPrimitives.Sum(row) / h;
            TensorPrimitives.Subtract(row, mean, dst);
            float variance = TensorPrimitives.SumOfSquares(dst) / h;
            TensorPrimitives.Multiply(dst, 1f / MathF.Sqrt(variance + eps), dst);
            TensorPrimitives.FusedMultiplyAdd(dst, weight, bias, dst);
        }
    }
}
