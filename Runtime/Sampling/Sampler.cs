using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace QwenVL.Runtime.Sampling;

/// <summary>
/// Chooses one token from one sequence's logits, following vLLM v1's sampler: the grammar's mask, min_tokens
/// suppression, logit_bias, repetition penalty, frequency and presence penalties, then either argmax (greedy) or
/// temperature, min_p, top_k, top_p and a seeded inverse-CDF draw. Logprobs are of the raw logits.
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
    private readonly float[] _weights;  // candidate logits, then their weights
    private readonly int[] _ids;        // candidate token ids, parallel to _weights
    private readonly LogitPenalties _penalties;

    // ln of the smallest normal float: a token this much less likely than the top one carries under
    // 1e-38 of its mass, so dropping it changes no draw, and exp of what is kept never underflows.
    private const double NegligibleLogRatio = -87.0;

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

        double logNormaliser = RawLogprobs.LogNormaliser(logits);
        TopLogprob[]? top = p.Logprobs ? RawLogprobs.Top(logits, p.TopLogprobs, logNormaliser) : null;
        return new SampledToken(token, RawLogprobs.Of(logits[token], logNormaliser), top);
    }

    private void ApplyPenalties(Span<float> logits, in SamplingContext context)
    {
        SamplingParams p = context.Params;
        ReadOnlySpan<int> output = context.OutputTokens.Span;
        ReadOnlySpan<ulong> allowed = context.AllowedTokens.Span;
        if (!allowed.IsEmpty) LogitConstraints.ApplyMask(logits, allowed);
        // A complete output with nothing allowed after it ends even before min_tokens: the grammar outranks it.
        if (output.Length < p.MinTokens && (allowed.IsEmpty || LogitConstraints.AllowsOtherThan(allowed, context.StopTokenIds.Span)))
            LogitPenalties.SuppressStopTokens(logits, context.StopTokenIds.Span);
        if (p.LogitBias.Count > 0) LogitConstraints.ApplyBias(logits, p.LogitBias);
        if (p.RepetitionPenalty != 1.0)
            _penalties.ApplyRepetition(logits, context.PromptTokens.Span, output, (float)p.RepetitionPenalty);
        if (p.FrequencyPenalty != 0.0 || p.PresencePenalty != 0.0)
            _penalties.ApplyFrequencyAndPresence(logits, output, (float)p.FrequencyPenalty, (float)p.PresencePenalty);
    }

    /// <summary>The highest logit; the lowest token id among equal highest logits.</summary>
    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        float max = FiniteMax(logits);
        // Max is vectorised; this scan for its first occurrence is too, eight logits per comparison.
        int id = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float start = ref MemoryMarshal.GetReference(logits);
            Vector256<float> target = Vector256.Create(max);
            for (; id <= logits.Length - Vector256<float>.Count; id += Vector256<float>.Count)
            {
                uint hits = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)id), target).ExtractMostSignificantBits();
                if (hits != 0) return id + BitOperations.TrailingZeroCount(hits);
            }
        }
        for (; ; id++)
            if (logits[id] == max) return id;
    }

    /// <summary>
    /// Temperature, min_p, top_k and top_p narrow the candidates; then u picks one by inverse CDF in
    /// descending-probability order over what is left. min_p and top_k are decided on logits, so
    /// exponentials are only taken for the tokens that survive them.
    /// </summary>
    private int Draw(ReadOnlySpan<float> logits, SamplingParams p, double u)
    {
        float max = FiniteMax(logits);
        int count = CollectCandidates(logits, max, p);
        Span<float> keys = _weights.AsSpan(0, count);
        Span<int> ids = _ids.AsSpan(0, count);

        int topK = p.TopK;
        if (topK > 0 && topK < count)
        {
            // Ranking by logit is ranking by probability: exp is monotonic.
            CandidateSelection.MoveHighestToFront(keys, ids, topK);
            keys = keys[..topK];
            ids = ids[..topK];
        }

        Span<float> weights = keys;
        double keptMass = ToRelativeWeights(weights, max, (float)p.Temperature);
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
    /// Collects the tokens that pass min_p (and a superset of top_k) into the candidate spans and returns
    /// how many. min_p keeps probability &gt;= min_p * top probability, i.e. (logit - max) / T &gt;= ln(min_p).
    /// Tokens more than <see cref="NegligibleLogRatio"/> below the top are dropped even without min_p,
    /// which also drops suppressed (-inf) tokens and keeps every kept weight a normal float, never 0.
    /// </summary>
    private int CollectCandidates(ReadOnlySpan<float> logits, float max, SamplingParams p)
    {
        double logRatio = p.MinP > 0 ? Math.Max(Math.Log(p.MinP), NegligibleLogRatio) : NegligibleLogRatio;
        float bound = (float)(max + p.Temperature * logRatio);
        return CandidateScan.Collect(logits, bound, p.TopK, _weights, _ids);
    }

    /// <summary>
    /// Turns candidate logits into weights in place: exp((logit - max) / T), the probability relative to
    /// the most likely token. Returns their sum in double. One fused pass, since this runs over the whole
    /// vocabulary when no filter narrows it.
    /// </summary>
    /// <remarks>
    /// Every weight, the tail's included, comes from the same exp: a weight must depend on its logit
    /// alone, not on where quickselect left the candidate. Vector256.Exp and MathF.Exp differ in the last
    /// bit on about half of all inputs (exp(0) is 1.0000001 against 1), so mixing them gave two equal
    /// logits unequal weights whenever one sat in the last partial vector, and the draw then ranked them
    /// by position instead of by id.
    /// </remarks>
    private static double ToRelativeWeights(Span<float> logits, float max, float temperature)
    {
        double sum = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float start = ref MemoryMarshal.GetReference(logits);
            Vector256<float> shift = Vector256.Create(max), scale = Vector256.Create(temperature);
            Vector256<double> lowerSum = Vector256<double>.Zero, upperSum = Vector256<double>.Zero;
            for (; i <= logits.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> w = Vector256.Exp((Vector256.LoadUnsafe(ref start, (nuint)i) - shift) / scale);
                w.StoreUnsafe(ref start, (nuint)i);
                (Vector256<double> lower, Vector256<double> upper) = Vector256.Widen(w);
                lowerSum += lower;
                upperSum += upper;
            }
            sum = Vector256.Sum(lowerSum + upperSum);
            for (; i < logits.Length; i++)
            {
                logits[i] = Vector256.Exp((Vector256.Create(logits[i]) - shift) / scale).ToScalar();
                sum += logits[i];
            }
        }
        for (; i < logits.Length; i++)
        {
            logits[i] = MathF.Exp((logits[i] - max) / temperature);
            sum += logits[i];
        }
        return sum;
    }

    private static float FiniteMax(ReadOnlySpan<float> logits)
    {
        float max = TensorPrimitives.Max(logits);
        if (!float.IsFinite(max))
            throw new InvalidOperationException($"cannot sample: the highest logit is {max} (NaN in the logits, or every token suppressed)");
        return max;
    }
}
