namespace QwenVL.Runtime.Sampling;

/// <summary>
/// The logit changes that come before temperature, in vLLM's order: min_tokens suppression, repetition
/// penalty, then frequency and presence penalties. Owns vocab-sized scratch so that nothing is allocated
/// per call and nothing vocab-sized is cleared per call either.
/// </summary>
internal sealed class LogitPenalties
{
    // _seenAt[id] == _stamp marks a token already penalised in this call. Bumping the stamp forgets
    // every mark at once, instead of clearing 152k entries per token.
    private readonly int[] _seenAt;
    private int _stamp;

    // Occurrences in the output; every entry is back to zero when a call returns.
    private readonly int[] _counts;

    public LogitPenalties(int vocabSize)
    {
        _seenAt = new int[vocabSize];
        _counts = new int[vocabSize];
    }

    /// <summary>Sets each stop token's logit to -inf, so that it cannot end the output before min_tokens.</summary>
    public static void SuppressStopTokens(Span<float> logits, ReadOnlySpan<int> stopTokenIds)
    {
        foreach (int id in stopTokenIds)
            logits[CheckedId(id, logits.Length)] = float.NegativeInfinity;
    }

    /// <summary>
    /// HF/vLLM rule, once per distinct token of prompt and output: a positive logit is divided by the
    /// penalty, a negative one multiplied, so a penalty above 1 always makes the token less likely.
    /// </summary>
    public void ApplyRepetition(Span<float> logits, ReadOnlySpan<int> prompt, ReadOnlySpan<int> output, float penalty)
    {
        int stamp = NextStamp();
        PenaliseOnce(logits, prompt, penalty, stamp);
        PenaliseOnce(logits, output, penalty, stamp);
    }

    /// <summary>OpenAI's rule over output tokens: logit -= frequency * count, then -= presence if count > 0.</summary>
    public void ApplyFrequencyAndPresence(Span<float> logits, ReadOnlySpan<int> output, float frequency, float presence)
    {
        foreach (int id in output)
            _counts[CheckedId(id, logits.Length)]++;
        foreach (int id in output)
        {
            int count = _counts[id];
            if (count == 0) continue; // already applied for an earlier occurrence
            logits[id] -= frequency * count;
            logits[id] -= presence;
            _counts[id] = 0;
        }
    }

    private void PenaliseOnce(Span<float> logits, ReadOnlySpan<int> tokens, float penalty, int stamp)
    {
        foreach (int id in tokens)
        {
            if (_seenAt[CheckedId(id, logits.Length)] == stamp) continue;
            _seenAt[id] = stamp;
            float logit = logits[id];
            logits[id] = logit > 0 ? logit / penalty : logit * penalty;
        }
    }

    private int NextStamp()
    {
        if (++_stamp == int.MaxValue)
        {
            Array.Clear(_seenAt);
            _stamp = 1;
        }
        return _stamp;
    }

    private static int CheckedId(int id, int vocabSize)
    {
        if ((uint)id >= (uint)vocabSize) ThrowOutsideVocabulary(id, vocabSize);
        return id;
    }

    // Kept out of CheckedId so that the check itself stays small enough to inline.
    private static void ThrowOutsideVocabulary(int id, int vocabSize) =>
        throw new ArgumentOutOfRangeException(nameof(id), id, $"token id outside the vocabulary of {vocabSize}");
}
