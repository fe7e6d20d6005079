namespace QwenVL.Runtime.Structured;

/// <summary>
/// A grammar compiled for one vocabulary: the byte automaton (determinized lazily) and its per-state
/// token masks. Shared by every sequence with the same <see cref="GrammarSpec"/>; thread-safe.
/// </summary>
public sealed class CompiledGrammar
{
    /// <summary>Mask cache budget per grammar; a bitmap of Qwen2's vocabulary is 19 KB, most masks are far smaller lists.</summary>
    public const long DefaultMaskBudgetBytes = 16L << 20;

    private CompiledGrammar(GrammarSpec spec, TokenVocabulary vocabulary, ByteNfa nfa, long maskBudgetBytes)
    {
        Spec = spec;
        Vocabulary = vocabulary;
        NfaStates = nfa.StateCount;
        Dfa = new LazyDfa(nfa);
        Masks = new TokenMaskCache(Dfa, vocabulary, maskBudgetBytes);
    }

    /// <exception cref="StructuredOutputException">The spec uses something unsupported, admits no output, or is too large.</exception>
    public static CompiledGrammar Compile(GrammarSpec spec, TokenVocabulary vocabulary, GrammarOptions? options = null,
        long maskBudgetBytes = DefaultMaskBudgetBytes) =>
        new(spec, vocabulary, GrammarCompiler.Compile(spec, options ?? GrammarOptions.Default), maskBudgetBytes);

    public GrammarSpec Spec { get; }

    public TokenVocabulary Vocabulary { get; }

    /// <summary>States of the byte NFA after trimming.</summary>
    public int NfaStates { get; }

    /// <summary>Deterministic states built so far (they are built as matching reaches them).</summary>
    public int AutomatonStates => Dfa.StateCount;

    /// <summary>Token masks currently cached.</summary>
    public int CachedMasks => Masks.Count;

    internal LazyDfa Dfa { get; }

    internal TokenMaskCache Masks { get; }
}
