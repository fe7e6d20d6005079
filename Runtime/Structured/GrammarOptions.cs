namespace QwenVL.Runtime.Structured;

/// <summary>
/// The bounds that turn JSON's recursive and unbounded parts into a finite automaton. Each bound only
/// narrows the outputs to a subset of valid JSON; none lets an invalid value through.
/// </summary>
public sealed record GrammarOptions
{
    public static GrammarOptions Default { get; } = new();

    /// <summary>
    /// Whitespace allowed between JSON tokens: any of space, tab, newline, carriage return, at most this
    /// many in a row. Small, so a model cannot spend its budget on blanks; 2 permits <c>", "</c> and <c>"\n "</c>.
    /// </summary>
    public int MaxWhitespace { get; init; } = 2;

    /// <summary>
    /// Containers that may nest inside one another for <c>json_object</c> (the root object counts as one).
    /// The automaton grows as 2^depth (it must remember which of <c>}</c> or <c>]</c> closes each level).
    /// </summary>
    public int JsonObjectDepth { get; init; } = 8;

    /// <summary>Nesting depth for a value a schema leaves unconstrained (<c>{}</c>, <c>true</c>, an array without <c>items</c>).</summary>
    public int FreeValueDepth { get; init; } = 3;

    /// <summary>How many times one <c>$ref</c> may be expanded inside itself; deeper recursion is cut off.</summary>
    public int MaxRefDepth { get; init; } = 3;

    /// <summary>Refuse a grammar whose byte automaton would need more states than this.</summary>
    public int MaxNfaStates { get; init; } = 400_000;
}
