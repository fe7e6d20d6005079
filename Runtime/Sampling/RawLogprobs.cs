using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace QwenVL.Runtime.Sampling;

/// <summary>
/// Log-probabilities under the raw model distribution, log_softmax of the unmodified logits, which is
/// what vLLM reports by default: temperature, penalties and filters change the choice, not the logprobs.
/// </summary>
internal static class RawLogprobs
{
    /// <summary>
    /// log Σ exp(logit) over the vocabulary, as max + log Σ exp(logit - max): exponentials in float,
    /// eight at a time, summed in double. One fused read-only pass after the max, because separate
    /// subtract, exp and sum passes over 152k floats cost twice as much in memory traffic.
    /// </summary>
    public static double LogNormaliser(ReadOnlySpan<float> logits)
    {
        float max = TensorPrimitives.Max(logits);
        double sum = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float start = ref MemoryMarshal.GetReference(logits);
            Vector256<float> shift = Vector256.Create(max);
            Vector256<double> lowerSum = Vector256<double>.Zero, upperSum = Vector256<double>.Zero;
            for (; i <= logits.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> e = Vector256.Exp(Vector256.LoadUnsafe(ref start, (nuint)i) - shift);
                (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(e);
                lowerSum += lower;
                upperSum += upper;
            }
            sum = Vector256.Sum(lowerSum + upperSum);
        }
        for (; i < logits.Length; i++) sum += MathF.Exp(logits[i] - max);
        return max + Math.Log(sum);
    }

    public static float Of(float logit, double logNormaliser) => (float)(logit - logNormaliser);

    /// <summary>
    /// The <paramref name="count"/> highest raw logprobs, highest first, lower token id first on ties.
    /// One pass over the vocabulary with a small sorted buffer; allocates only the returned array.
    /// </summary>
    public static TopLogprob[] Top(ReadOnlySpan<float> logits, int count, double logNormaliser)
    {
        if ((uint)count > SamplingParams.MaxTopLogprobs)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"at most {SamplingParams.MaxTopLogprobs} top logprobs");
        count = Math.Min(count, logits.Length);
        if (count == 0) return [];

        Span<float> bestLogits = stackalloc float[count];
        Span<int> bestIds = stackalloc int[count];
        int filled = 0;
        int id = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float start = ref MemoryMarshal.GetReference(logits);
            for (; id <= logits.Length - Vector256<float>.Count; id += Vector256<float>.Count)
            {
                // Once the buffer is full, a block with nothing above its lowest entry changes nothing.
                if (filled == count &&
                    !Vector256.GreaterThanAny(Vector256.LoadUnsafe(ref start, (nuint)id), Vector256.Create(bestLogits[filled - 1])))
                    continue;
                for (int j = id; j < id + Vector256<float>.Count; j++)
                    Offer(logits[j], j, bestLogits, bestIds, ref filled);
            }
        }
        for (; id < logits.Length; id++)
            Offer(logits[id], id, bestLogits, bestIds, ref filled);

        var top = new TopLogprob[filled];
        for (int i = 0; i < filled; i++)
            top[i] = new TopLogprob(bestIds[i], Of(bestLogits[i], logNormaliser));
        return top;
    }

    /// <summary>Inserts a logit into the sorted buffer if it beats the lowest entry (or the buffer has room).</summary>
    private static void Offer(float logit, int id, Span<float> bestLogits, Span<int> bestIds, ref int filled)
    {
        int capacity = bestLogits.Length;
        // Strictly greater: on a tie the earlier (lower) id keeps its place. NaN never enters.
        if (filled == capacity ? !(logit > bestLogits[filled - 1]) : float.IsNaN(logit)) return;
        int at = filled < capacity ? filled++ : filled - 1;
        while (at > 0 && logit > bestLogits[at - 1])
        {
            bestLogits[at] = bestLogits[at - 1];
            bestIds[at] = bestIds[at - 1];
            at--;
        }
        bestLogits[at] = logit;
        bestIds[at] = id;
    }
}
