namespace QwenVL.Runtime.Structured;

/// <summary>The regular-expression subset the engine compiles: character sets, sequence, alternation, bounded or unbounded repetition.</summary>
internal abstract record RegexNode
{
    /// <summary>Builds the fragment for this node, turning each character set into bytes with <paramref name="encode"/>.</summary>
    public abstract Fragment Compile(NfaBuilder nfa, Func<CodePointSet, Fragment> encode);
}

internal sealed record RegexCharacters(CodePointSet Set) : RegexNode
{
    public override Fragment Compile(NfaBuilder nfa, Func<CodePointSet, Fragment> encode) => encode(Set);
}

internal sealed record RegexSequence(IReadOnlyList<RegexNode> Parts) : RegexNode
{
    public override Fragment Compile(NfaBuilder nfa, Func<CodePointSet, Fragment> encode) =>
        nfa.Sequence(Parts.Select(part => part.Compile(nfa, encode)).ToArray());
}

internal sealed record RegexAlternation(IReadOnlyList<RegexNode> Options) : RegexNode
{
    public override Fragment Compile(NfaBuilder nfa, Func<CodePointSet, Fragment> encode) =>
        nfa.Choice(Options.Select(option => option.Compile(nfa, encode)).ToArray());
}

internal sealed record RegexRepeat(RegexNode Inner, int Min, int? Max) : RegexNode
{
    public override Fragment Compile(NfaBuilder nfa, Func<CodePointSet, Fragment> encode) =>
        nfa.Repeat(() => Inner.Compile(nfa, encode), Min, Max);
}
