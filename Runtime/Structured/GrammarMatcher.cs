namespace QwenVL.Runtime.Structured;

/// <summary>
/// The grammar state of one sequence: which tokens may come next, and advancing by the sampled one.
/// Matching is on bytes, so a token may end inside a UTF-8 character or span several grammar symbols.
/// End-of-sequence tokens are allowed exactly when the output so far is complete; when nothing else can
/// follow, they are the only ones allowed. Special tokens are never allowed. Not thread-safe (one per
/// sequence); the shared <see cref="CompiledGrammar"/> is. After preemption, rebuild with <see cref="Replay"/>.
/// </summary>
public sealed class GrammarMatcher
{
    private readonly LazyDfa _dfa;
    private readonly TokenMaskCache _masks;
    private readonly TokenVocabulary _vocabulary;
    private readonly int[] _endOfSequence;
    private int _state;

    public GrammarMatcher(CompiledGrammar grammar, ReadOnlySpan<int> endOfSequenceTokenIds)
    {
        Grammar = grammar;
        _dfa = grammar.Dfa;
        _masks = grammar.Masks;
        _vocabulary = grammar.Vocabulary;
        _endOfSequence = endOfSequenceTokenIds.ToArray();
        _state = _dfa.Start;
    }

    public CompiledGrammar Grammar { get; }

    /// <summary>The output so far is complete: end-of-sequence may come now.</summary>
    public bool IsAccepting => !IsTerminated && _dfa.IsAccepting(_state);

    /// <summary>An end-of-sequence token has been accepted; nothing more is allowed.</summary>
    public bool IsTerminated { get; private set; }

    /// <summary>
    /// Fewest bytes (so at most that many tokens: every byte is a token) before the output can be complete.
    /// A caller near its token budget can switch to <see cref="FillFinishing"/> once the budget left approaches this.
    /// </summary>
    public int MinBytesToComplete => IsTerminated ? 0 : _dfa.BytesToAccept(_state);

    /// <summary>
    /// <see cref="MinBytesToComplete"/> as it would be after <paramref name="tokenId"/>; <see cref="int.MaxValue"/>
    /// when the token is not allowed. Lets a caller with few tokens left refuse a sampled token that would
    /// open more than it can close, and fall back to <see cref="FillFinishing"/>.
    /// </summary>
    public int MinBytesToCompleteAfter(int tokenId)
    {
        if (IsTerminated) return int.MaxValue;
        if (IsEndOfSequence(tokenId)) return _dfa.IsAccepting(_state) ? 0 : int.MaxValue;
        var next = Advance(tokenId);
        return next == LazyDfa.Dead ? int.MaxValue : _dfa.BytesToAccept(next);
    }

    /// <summary>Advances by <paramref name="tokenId"/> if the grammar allows it; otherwise returns false and changes nothing.</summary>
    public bool TryAccept(int tokenId)
    {
        if (IsTerminated) return false;
        if (IsEndOfSequence(tokenId))
        {
            if (!_dfa.IsAccepting(_state)) return false;
            IsTerminated = true;
            return true;
        }
        var next = Advance(tokenId);
        if (next == LazyDfa.Dead) return false;
        _state = next;
        return true;
    }

    /// <summary>Whether <see cref="TryAccept"/> would accept <paramref name="tokenId"/> now.</summary>
    public bool IsAllowed(int tokenId) =>
        !IsTerminated && (IsEndOfSequence(tokenId) ? _dfa.IsAccepting(_state) : Advance(tokenId) != LazyDfa.Dead);

    /// <summary>Sets bit i of <paramref name="bitmask"/> (64 ids per word) exactly for the tokens allowed next; clears the rest.</summary>
    public void FillAllowed(Span<ulong> bitmask) => Fill(bitmask, finishing: false);

    /// <summary>
    /// Like <see cref="FillAllowed"/>, but only tokens that bring the output strictly closer to complete (and
    /// end-of-sequence once it is): following this mask ends a valid output within <see cref="MinBytesToComplete"/>
    /// tokens. Opt-in steering for a request about to run out of tokens; it never admits anything invalid.
    /// </summary>
    public void FillFinishing(Span<ulong> bitmask) => Fill(bitmask, finishing: true);

    /// <summary>Back to the start of the output.</summary>
    public void Reset()
    {
        _state = _dfa.Start;
        IsTerminated = false;
    }

    /// <summary>Resets, then accepts <paramref name="tokens"/> in order; false (stopping there) at the first refused one.</summary>
    public bool Replay(ReadOnlySpan<int> tokens)
    {
        Reset();
        foreach (var token in tokens)
        {
            if (!TryAccept(token)) return false;
        }
        return true;
    }

    /// <summary>Words a bitmask needs for <paramref name="vocabularySize"/> ids.</summary>
    public static int MaskWords(int vocabularySize) => (vocabularySize + 63) / 64;

    private void Fill(Span<ulong> bitmask, bool finishing)
    {
        if (bitmask.Length < _vocabulary.MaskWords)
            throw new ArgumentException($"a token mask needs {_vocabulary.MaskWords} words, got {bitmask.Length}", nameof(bitmask));
        if (IsTerminated)
        {
            bitmask.Clear();
            return;
        }
        _masks.Fill(_state, finishing, bitmask);
        if (!_dfa.IsAccepting(_state)) return;
        foreach (var id in _endOfSequence)
        {
            if ((uint)(id >> 6) < (uint)bitmask.Length) bitmask[id >> 6] |= 1UL << id;
        }
    }

    private int Advance(int tokenId)
    {
        if (!IsGrammarToken(tokenId)) return LazyDfa.Dead;
        return _dfa.Walk(_state, _vocabulary.Bytes(tokenId));
    }

    /// <summary>Tokens the trie holds: those with bytes that are not special (end-of-sequence is handled apart).</summary>
    private bool IsGrammarToken(int tokenId)
    {
        if ((uint)tokenId >= (uint)_vocabulary.Size || _vocabulary.Bytes(tokenId).IsEmpty) return false;
        return !_vocabulary.IsSpecial(tokenId);
    }

    private bool IsEndOfSequence(int tokenId) => Array.IndexOf(_endOfSequence, tokenId) >= 0;
}
