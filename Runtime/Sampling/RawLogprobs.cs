using System.Numerics.Tensors;

namespace QwenVL.Runtime.Sampling;

/// <summary>
/// Log-probabilities under the raw model distribution, log_softmax of the unmodified logits, which is
/// what vLLM reports by default: temperature, penalties and filters change the choice, not the logprobs.
/// </summary>
internal static class RawLogprobs
{
    /// <summary>
    /// log Σ exp(logit) over the vocabulary, as max + log Σ exp(logit - max). The exponentials are taken
    /// in float (vectorised) and summed in double; <paramref name="scratch"/> is overwritten.
    /// </summary>
    public static double LogNormaliser(ReadOnlySpan<float> logits, Span<float> scratch)
    {
        float max = TensorPrimitives.Max(logits);
        Span<float> shifted = scratch[..logits.Length];
        TensorPrimitives.Subtract(logits, max, shifted);
        TensorPrimitives.Exp(shifted, shifted);
        return max + Math.Log(CandidateSelection.Sum(shifted));
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
        for (int id = 0; id < logits.Length; id++)
        {
            float logit = logits[id];
            // Strictly greater: on a tie the earlier (lower) id keeps its place. NaN never enters.
            if (filled == count && !(logit > bestLogits[filled - 1])) continue;
            if (filled < count && float.IsNaN(logit)) continue;
            int at = filled < count ? filled++ : filled - 1;
            while (at > 0 && logit > bestLogits[at - 1])
            {
                bestLogits[at] = bestLogits[at - 1];
                bestIds[at] = bestIds[at - 1];
                at--;
            }
            bestLogits[at] = logit;
            bestIds[at] = id;
        }

        var top = new TopLogprob[filled];
        for (int i = 0; i < filled; i++)
            top[i] = new TopLogprob(bestIds[i], Of(bestLogits[i], logNormaliser));
        return top;
    }
}
