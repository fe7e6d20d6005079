using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace QwenVL.Runtime.Sampling;

/// <summary>
/// A shortcut for inverse-CDF searches over peaked distributions. A language model's next-token
/// distribution puts most of its mass on a few tokens, so the token at a cumulative target is almost
/// always among the tokens within a small factor of the top one. Finding those with vectorised passes
/// and moving them to the front lets quickselect run over a few dozen candidates instead of 152k.
/// </summary>
internal static class HeavyPrefix
{
    // Thresholds tried, as log2 of the fraction of the top weight: 1/16, 1/256, 1/4096, 1/65536.
    private const int ThresholdStepLog2 = 4;
    private const int ThresholdsTried = 4;

    // The masses here are sums in float per vector lane; a prefix is used only if it holds the
    // target with this relative margin, so rounding can never put the answer just past its end.
    private const double MassMargin = 1e-4;

    /// <summary>
    /// Moves every candidate whose weight is above some threshold to the front and returns how many
    /// there are, choosing the highest threshold whose candidates hold more than
    /// <paramref name="target"/> weight. Those candidates all rank above the rest, so the search for
    /// <paramref name="target"/> can stay inside them. Returns the full length (moving nothing) when
    /// no threshold helps: the target lies deep in the tail, or the distribution is flat.
    /// </summary>
    public static int MoveToFront(Span<float> weights, Span<int> ids, double target)
    {
        if (weights.Length < 256 || !Vector256.IsHardwareAccelerated) return weights.Length;
        float top = TensorPrimitives.Max(weights);
        for (int i = 1; i <= ThresholdsTried; i++)
        {
            float threshold = MathF.ScaleB(top, -ThresholdStepLog2 * i);
            double mass = MassAbove(weights, threshold, out int count);
            if (count > weights.Length / 2) break; // quickselect's own first pass does as well
            if (mass * (1 - MassMargin) > target) return Partition(weights, ids, threshold);
        }
        return weights.Length;
    }

    private static double MassAbove(ReadOnlySpan<float> weights, float threshold, out int count)
    {
        ref float start = ref MemoryMarshal.GetReference(weights);
        var bound = Vector256.Create(threshold);
        Vector256<float> mass = Vector256<float>.Zero;
        count = 0;
        int i = 0;
        for (; i <= weights.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            Vector256<float> block = Vector256.LoadUnsafe(ref start, (nuint)i);
            Vector256<float> above = Vector256.GreaterThan(block, bound);
            mass += block & above;
            count += BitOperations.PopCount(above.ExtractMostSignificantBits());
        }
        double total = Vector256.Sum(Vector256.WidenLower(mass)) + Vector256.Sum(Vector256.WidenUpper(mass));
        for (; i < weights.Length; i++)
        {
            if (weights[i] > threshold)
            {
                total += weights[i];
                count++;
            }
        }
        return total;
    }

    /// <summary>Moves candidates above the threshold to the front, skipping vector blocks with none; returns how many.</summary>
    private static int Partition(Span<float> weights, Span<int> ids, float threshold)
    {
        ref float start = ref MemoryMarshal.GetReference(weights);
        var bound = Vector256.Create(threshold);
        int store = 0;
        int i = 0;
        for (; i <= weights.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            if (!Vector256.GreaterThanAny(Vector256.LoadUnsafe(ref start, (nuint)i), bound)) continue;
            for (int j = i; j < i + Vector256<float>.Count; j++)
                if (weights[j] > threshold) Swap(weights, ids, j, store++);
        }
        for (; i < weights.Length; i++)
            if (weights[i] > threshold) Swap(weights, ids, i, store++);
        return store;
    }

    private static void Swap(Span<float> weights, Span<int> ids, int i, int j)
    {
        (weights[i], weights[j]) = (weights[j], weights[i]);
        (ids[i], ids[j]) = (ids[j], ids[i]);
    }
}
