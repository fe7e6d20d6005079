using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace QwenVL.Runtime.Sampling;

/// <summary>
/// Sums floats in double. A float accumulator over 152k probabilities loses the small ones; a scalar
/// double loop is one long dependency chain. Widening eight floats at a time into two double
/// accumulators keeps double precision at vector speed.
/// </summary>
internal static class WideningSum
{
    public static double Of(ReadOnlySpan<float> values)
    {
        double total = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            ref float start = ref MemoryMarshal.GetReference(values);
            Vector256<double> lowerSum = Vector256<double>.Zero, upperSum = Vector256<double>.Zero;
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(Vector256.LoadUnsafe(ref start, (nuint)i));
                lowerSum += lower;
                upperSum += upper;
            }
            total = Vector256.Sum(lowerSum + upperSum);
        }
        for (; i < values.Length; i++) total += values[i];
        return total;
    }
}
