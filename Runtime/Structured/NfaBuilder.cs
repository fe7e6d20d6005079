namespace QwenVL.Runtime.Structured;

/// <summary>A piece of automaton under construction: one entry state, one exit state.</summary>
internal readonly record struct Fragment(int Start, int End);

/// <summary>
/// Builds a byte-level NFA from Thompson fragments. Each combinator takes fresh fragments and wires them
/// with epsilon edges; a fragment is used once, so repetition takes a factory that builds a new copy.
/// </summary>
internal sealed class NfaBuilder
{
    private readonly List<(int From, byte Lo, byte Hi, int To)> _byteEdges = [];
    private readonly List<(int From, int To)> _epsilonEdges = [];
    private readonly int _maxStates;

    public NfaBuilder(int maxStates) => _maxStates = maxStates;

    public int StateCount { get; private set; }

    public int NewState()
    {
        if (StateCount >= _maxStates)
            throw new StructuredOutputException($"the grammar needs more than {_maxStates} automaton states; tighten the schema's bounds");
        return StateCount++;
    }

    /// <summary>Matches the empty string.</summary>
    public Fragment Empty()
    {
        var state = NewState();
        return new Fragment(state, state);
    }

    /// <summary>Matches nothing at all: the exit cannot be reached (pruned when the automaton is built).</summary>
    public Fragment Nothing() => new(NewState(), NewState());

    public Fragment Range(byte lo, byte hi)
    {
        var start = NewState();
        var end = NewState();
        _byteEdges.Add((start, lo, hi, end));
        return new Fragment(start, end);
    }

    public Fragment Literal(ReadOnlySpan<byte> bytes)
    {
        var start = NewState();
        var current = start;
        foreach (var b in bytes)
        {
            var next = NewState();
            _byteEdges.Add((current, b, b, next));
            current = next;
        }
        return new Fragment(start, current);
    }

    public Fragment Literal(string ascii) => Literal(System.Text.Encoding.UTF8.GetBytes(ascii));

    public void Epsilon(int from, int to) => _epsilonEdges.Add((from, to));

    public Fragment Sequence(params ReadOnlySpan<Fragment> parts)
    {
        if (parts.Length == 0) return Empty();
        for (var i = 1; i < parts.Length; i++) Epsilon(parts[i - 1].End, parts[i].Start);
        return new Fragment(parts[0].Start, parts[^1].End);
    }

    public Fragment Choice(params ReadOnlySpan<Fragment> options)
    {
        if (options.Length == 1) return options[0];
        var start = NewState();
        var end = NewState();
        foreach (var option in options)
        {
            Epsilon(start, option.Start);
            Epsilon(option.End, end);
        }
        return new Fragment(start, end);
    }

    public Fragment Optional(Fragment inner)
    {
        var start = NewState();
        var end = NewState();
        Epsilon(start, inner.Start);
        Epsilon(inner.End, end);
        Epsilon(start, end);
        return new Fragment(start, end);
    }

    /// <summary>One or more of <paramref name="item"/> with <paramref name="separator"/> between, built from a single copy of each (a loop).</summary>
    public Fragment SeparatedLoop(Fragment item, Fragment separator)
    {
        var end = NewState();
        Epsilon(item.End, separator.Start);
        Epsilon(separator.End, item.Start);
        Epsilon(item.End, end);
        return new Fragment(item.Start, end);
    }

    /// <summary>Zero or more of <paramref name="item"/> (a loop over one copy).</summary>
    public Fragment Star(Fragment item) => Optional(SeparatedLoop(item, Empty()));

    /// <summary>
    /// Between <paramref name="min"/> and <paramref name="max"/> (null: unbounded) items, separated by
    /// <paramref name="separator"/>. Bounded counts need one copy per item, so the factories are called repeatedly.
    /// </summary>
    public Fragment Repeat(Func<Fragment> item, int min, int? max, Func<Fragment>? separator = null)
    {
        if (max < min) return Nothing();
        if (max == 0) return Empty();
        if (min == 0) return Optional(Repeat(item, 1, max, separator));
        Fragment Separated() => separator == null ? item() : Sequence(separator(), item());

        var parts = new List<Fragment>();
        for (var i = 1; i < min; i++) parts.Add(parts.Count == 0 ? item() : Separated());
        if (max == null)
        {
            // The unbounded tail is a loop over one copy, so nested repetition does not multiply copies.
            if (parts.Count > 0) parts.Add(separator == null ? Empty() : separator());
            parts.Add(SeparatedLoop(item(), separator == null ? Empty() : separator()));
        }
        else
        {
            // Nested optionals: (x (x (x)?)?)? keeps the epsilon count linear in max - min.
            parts.Add(parts.Count == 0 ? item() : Separated());
            var tail = Empty();
            for (var i = min; i < max; i++) tail = Optional(Sequence(Separated(), tail));
            parts.Add(tail);
        }
        return Sequence(parts.ToArray());
    }

    /// <summary>Freezes the graph with <paramref name="root"/>'s start as the initial state and its end as the only accepting state.</summary>
    /// <exception cref="StructuredOutputException">No output at all satisfies the grammar.</exception>
    public ByteNfa Build(Fragment root) =>
        TryBuild(root) ?? throw new StructuredOutputException("no output can satisfy this grammar");

    /// <summary>Like <see cref="Build"/>, but null when the grammar admits no output.</summary>
    public ByteNfa? TryBuild(Fragment root) => ByteNfa.TryCreate(StateCount, _byteEdges, _epsilonEdges, root.Start, root.End);
}
