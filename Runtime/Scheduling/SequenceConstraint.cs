using QwenVL.Runtime.Structured;

namespace QwenVL.Runtime.Scheduling;

/// <summary>
/// One constrained sequence's grammar state: its own <see cref="GrammarMatcher"/> and the mask buffer its steps
/// hand the executor. The mask is filled on the scheduler's thread when a sampling step is planned (the previous
/// token is known by then) and read by the executor during that step; the scheduler plans the next step only after
/// the result came back, so one buffer per sequence serves every step without allocating.
/// </summary>
/// <remarks>
/// Termination: a string without maxLength or an open array may go on as long as the sampler likes, and at
/// temperature 1 over random weights it usually does. Once the tokens left are at most
/// <see cref="GrammarMatcher.MinBytesToComplete"/> + <see cref="FinishingMargin"/>, the mask is the matcher's
/// finishing mask (only tokens that bring the output strictly closer to complete), so the output completes within
/// the budget. The margin covers the one step before finishing starts, when a token may still open more than it
/// closes (a key, a separator and the shortest value of an optional property at once).
/// </remarks>
internal sealed class SequenceConstraint
{
    /// <summary>
    /// Tokens kept in hand beyond the fewest that complete the output. One token can raise
    /// <see cref="GrammarMatcher.MinBytesToComplete"/> by what it opens: over the 30-schema test (20 choices each at
    /// temperature 1) the most seen was 16 bytes (one token opening an optional property: separator, key and the
    /// shortest value of its format) plus the token itself; 24 leaves room for wider schemas at the price of
    /// finishing a few tokens early. A token that opens more than this just before finishing starts can still leave the output
    /// incomplete at max_tokens, which then ends with finish_reason length like any other.
    /// </summary>
    public const int FinishingMargin = 24;

    private readonly GrammarMatcher _matcher;
    private readonly ulong[] _mask;

    public SequenceConstraint(CompiledGrammar grammar, int[] endTokenIds)
    {
        _matcher = new GrammarMatcher(grammar, endTokenIds);
        _mask = new ulong[grammar.Vocabulary.MaskWords];
    }

    /// <summary>Tokens the grammar refused (an executor that ignores masks, as the simulator's does); the matcher stayed where it was.</summary>
    public int Refused { get; private set; }

    /// <summary>The grammar took an end-of-sequence token: the output is complete and nothing may follow.</summary>
    public bool IsTerminated => _matcher.IsTerminated;

    /// <summary>Whether the last mask was the finishing one.</summary>
    public bool Finishing { get; private set; }

    /// <summary>The mask for the next token, given how many tokens the sequence may still produce (this one included).</summary>
    public ReadOnlyMemory<ulong> Fill(int tokensLeft)
    {
        Finishing = tokensLeft <= _matcher.MinBytesToComplete + FinishingMargin;
        if (Finishing) _matcher.FillFinishing(_mask);
        else _matcher.FillAllowed(_mask);
        return _mask;
    }

    /// <summary>Advances by the sampled token; a refused one leaves the matcher as it was.</summary>
    public void Accept(int token)
    {
        if (!_matcher.TryAccept(token)) Refused++;
    }
}
