using System.Numerics.Tensors;

namespace QwenVL.Runtime.Sampling;

/// <summary>
/// Chooses one token from one sequence's logits, following vLLM v1's sampler: min_tokens suppression,
/// repetition penalty, frequency and presence penalties, then either argmax (greedy) or temperature,
/// min_p, top_k, top_p and a seeded inverse-CDF draw. Logprobs are of the raw logits.
/// </summary>
/// <remarks>
/// One instance per executor thread: it owns vocab-sized scratch and is not thread-safe. A call
/// allocates nothing except the top-logprobs array when one is asked for, and sorts nothing:
/// top_k, top_p and the draw are quickselects (<see cref="CandidateSelection"/>).
/// </remarks>
public sealed class Sampler
{
    private readonly int _vocabSize;
    private readonly float[] _logits;   // the logits after suppression and penalties
    private readonly float[] _weights;  // candidate weights; afterwards scratch for the raw normaliser
    private readonly int[] _ids;        // candidate token ids, parallel to _weights
    private readonly LogitPenalties _penalties;

    public Sampler(int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        _vocabSize = vocabSize;
        _logits = new float[vocabSize];
        _weights = new float[vocabSize];
        _ids = new int[vocabSize];
        _penalties = new LogitPenalties(vocabSize);
    }

    public SampledToken Sample(ReadOnlySpan<float> logits, in SamplingContext context)
    {
        if (logits.Length != _vocabSize)
            throw new ArgumentException($"expected {_vocabSize} logits, got {logits.Length}", nameof(logits));

        SamplingParams p = context.Params;
        Span<float> adjusted = _logits;
        logits.CopyTo(adjusted);
        ApplyPenalties(adjusted, context);

        int token = p.IsGreedy
            ? ArgMax(adjusted)
            : Draw(adjusted, p, SamplingRandom.Uniform(context.Seed, context.OutputTokens.Length));

        double logNormaliser = RawLogprobs.LogNormaliser(logits, _weights);
        TopLogprob[]? top = p.Logprobs ? RawLogprobs.Top(logits, p.TopLogprobs, logNormaliser) : null;
        return new SampledToken(token, RawLogprobs.Of(logits[token], logNormaliser), top);
    }

    private void ApplyPenalties(Span<float> logits, in SamplingContext context)
    {
        SamplingParams p = context.Params;
        ReadOnlySpan<int> output = context.OutputTokens.Span;
        if (output.Length < p.MinTokens)
            LogitPenalties.SuppressStopTokens(logits, context.StopTokenIds.Span);
        if (p.RepetitionPenalty != 1.0)
            _penalties.ApplyRepetition(logits, context.PromptTokens.Span, output, (float)p.RepetitionPenalty);
        if (p.FrequencyPenalty != 0.0 || p.PresencePenalty != 0.0)
            _penalties.ApplyFrequencyAndPresence(logits, output, (float)p.FrequencyPenalty, (float)p.PresencePenalty);
    }

    /// <summary>The highest logit; the lowest token id among equal highest logits.</summary>
    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        float max = FiniteMax(logits);
        // Max is vectorised; the scan stops at the first (lowest-id) token holding it.
        for (int id = 0; ; id++)
            if (logits[id] == max) return id;
    }

    /// <summary>
    /// Temperature, min_p, top_k and top_p narrow the candidates; then u picks one by inverse CDF in
    /// descending-probability order over what is left.
    /// </summary>
    private int Draw(ReadOnlySpan<float> logits, SamplingParams p, double u)
    {
        int count = CollectCandidates(logits, p);
        Span<float> weights = _weights.AsSpan(0, count);
        Span<int> ids = _ids.AsSpan(0, count);

        int topK = p.TopK;
        if (topK > 0 && topK < count)
        {
            CandidateSelection.MoveHighestToFront(weights, ids, topK);
            weights = weights[..topK];
            ids = ids[..topK];
        }

        double keptMass = CandidateSelection.Sum(weights);
        if (p.TopP < 1.0)
        {
            // The kept set is a prefix in rank order: every candidate up to the one at which the mass
            // reaches top_p. Quickselect leaves exactly that prefix at the front.
            int last = CandidateSelection.FindCumulativeWeight(weights, ids, p.TopP * keptMass, out keptMass);
            weights = weights[..(last + 1)];
            ids = ids[..(last + 1)];
        }

        int chosen = CandidateSelection.FindCumulativeWeight(weights, ids, u * keptMass, out _);
        return ids[chosen];
    }

    /// <summary>
    /// Writes exp((logit - max) / T), each token's probability relative to the most likely one, into the
    /// candidate spans, keeping only tokens that pass min_p (relative probability &gt;= min_p) and have
    /// non-zero weight. Returns how many were kept; the most likely token always is.
    /// </summary>
    private int CollectCandidates(ReadOnlySpan<float> logits, SamplingParams p)
    {
        float max = FiniteMax(logits);
        Span<float> relative = _weights;
        TensorPrimitives.Subtract(logits, max, relative);
        TensorPrimitives.Divide(relative, (float)p.Temperature, relative);
        TensorPrimitives.Exp(relative, relative);

        float minRelative = (float)p.MinP;
        int count = 0;
        for (int id = 0; id < relative.Length; id++)
        {
            float w = relative[id];
            if (w > 0 && w >= minRelative)
            {
                // count <= id, so this compaction never overwrites a weight not yet read.
                _weights[count] = w;
                _ids[count] = id;
                count++;
            }
        }
        return count;
    }

    private static float FiniteMax(ReadOnlySpan<float> logits)
    {
        float max = TensorPrimitives.Max(logits);
        if (!float.IsFinite(max))
            throw new InvalidOperationException($"cannot sample: the highest logit is {max} (NaN in the logits, or every token suppressed)");
        return max;
    }
}
