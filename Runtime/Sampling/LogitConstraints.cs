namespace QwenVL.Runtime.Sampling;

/// <summary>
/// The logit changes a request's constraint and logit_bias make, before min_tokens and the penalties: the grammar's
/// mask (−inf outside it), then the bias added. vLLM v1 applies the grammar bitmask before its sampler runs, and
/// logit_bias among the logits processors ahead of the penalties; this keeps that order.
/// </summary>
internal static class LogitConstraints
{
    /// <summary>Sets every logit the mask refuses to −inf; ids past the mask's last word are refused.</summary>
    public static void ApplyMask(Span<float> logits, ReadOnlySpan<ulong> allowed)
    {
        int words = Math.Min(allowed.Length, (logits.Length + 63) / 64);
        for (int w = 0; w < words; w++)
        {
            ulong bits = allowed[w];
            if (bits == ulong.MaxValue) continue;
            int start = w * 64;
            int end = Math.Min(start + 64, logits.Length);
            if (bits == 0)
            {
                logits[start..end].Fill(float.NegativeInfinity);
                continue;
            }
            // Mostly-refused words are the common case: walk the refused bits one by one.
            for (ulong refused = ~bits; refused != 0; refused &= refused - 1)
            {
                int id = start + System.Numerics.BitOperations.TrailingZeroCount(refused);
                if (id < end) logits[id] = float.NegativeInfinity;
            }
        }
        if (words * 64 < logits.Length) logits[(words * 64)..].Fill(float.NegativeInfinity);
    }

    /// <summary>Adds each entry's bias to its token's logit; ids outside the vocabulary are ignored.</summary>
    public static void ApplyBias(Span<float> logits, IReadOnlyList<LogitBiasEntry> bias)
    {
        for (int i = 0; i < bias.Count; i++)
        {
            var entry = bias[i];
            if ((uint)entry.TokenId < (uint)logits.Length) logits[entry.TokenId] += (float)entry.Bias;
        }
    }

    /// <summary>
    /// Whether the mask allows some token that is not a stop token. When it does not, the output is complete and
    /// nothing may follow: min_tokens then yields to the grammar, or no token at all could be sampled.
    /// </summary>
    public static bool AllowsOtherThan(ReadOnlySpan<ulong> allowed, ReadOnlySpan<int> stopTokenIds)
    {
        for (int w = 0; w < allowed.Length; w++)
        {
            ulong bits = allowed[w];
            if (bits == 0) continue;
            foreach (int id in stopTokenIds)
                if (id >> 6 == w) bits &= ~(1UL << id);
            if (bits != 0) return true;
        }
        return false;
    }
}
