namespace QwenVL.Runtime.Structured;

/// <summary>A property the object grammar may emit: its quoted key, a factory for its value, and whether it must appear.</summary>
internal sealed record PropertyRule(string Name, Func<Fragment> Value, bool Required);

/// <summary>
/// Objects, arrays, whitespace and free JSON values. Objects emit their properties in the given order
/// (required ones always, optional ones possibly skipped, as xgrammar and vLLM do); the comma logic is
/// two chains of states (nothing emitted yet / something emitted) that share one copy of each value.
/// </summary>
internal sealed class JsonStructure(NfaBuilder nfa, GrammarOptions options)
{
    public Fragment Whitespace() =>
        nfa.Repeat(() => nfa.Choice(nfa.Literal(" "), nfa.Literal("\t"), nfa.Literal("\n"), nfa.Literal("\r")), 0, options.MaxWhitespace);

    /// <summary>Any JSON value with at most <paramref name="depth"/> levels of nested containers.</summary>
    public Fragment AnyValue(int depth)
    {
        var options = new List<Fragment>
        {
            JsonStrings.Quoted(nfa, 0, null), JsonNumbers.Unbounded(nfa),
            nfa.Literal("true"), nfa.Literal("false"), nfa.Literal("null"),
        };
        if (depth > 0)
        {
            options.Add(AnyObject(depth));
            options.Add(Array([], () => AnyValue(depth - 1), 0, null));
        }
        return nfa.Choice(options.ToArray());
    }

    /// <summary>An object with any keys, its values nesting at most <paramref name="depth"/> - 1 further levels.</summary>
    public Fragment AnyObject(int depth) => Object([], () => AnyValue(depth - 1));

    /// <summary>
    /// <c>{ ... }</c> with <paramref name="properties"/> in order, then, when <paramref name="additionalValue"/>
    /// is given, any number of further members with free keys and values it builds.
    /// </summary>
    public Fragment Object(IReadOnlyList<PropertyRule> properties, Func<Fragment>? additionalValue)
    {
        var open = nfa.Sequence(nfa.Literal("{"), Whitespace());
        var noneYet = open.End;
        var someAlready = nfa.NewState();
        foreach (var property in properties)
        {
            var member = Member(nfa.Literal(JsonStrings.Spell(property.Name)), property.Value());
            var (nextNone, nextSome) = (nfa.NewState(), nfa.NewState());
            nfa.Epsilon(noneYet, member.Start);
            Link(someAlready, member.Start);
            nfa.Epsilon(member.End, nextSome);
            if (!property.Required)
            {
                nfa.Epsilon(noneYet, nextNone);
                nfa.Epsilon(someAlready, nextSome);
            }
            (noneYet, someAlready) = (nextNone, nextSome);
        }
        if (additionalValue != null)
        {
            var extra = Member(JsonStrings.Quoted(nfa, 0, null), additionalValue());
            nfa.Epsilon(noneYet, extra.Start);
            Link(someAlready, extra.Start);
            nfa.Epsilon(extra.End, someAlready);
        }
        var close = nfa.Literal("}");
        nfa.Epsilon(noneYet, close.Start);
        var trailing = Whitespace();
        nfa.Epsilon(someAlready, trailing.Start);
        nfa.Epsilon(trailing.End, close.Start);
        return new Fragment(open.Start, close.End);
    }

    /// <summary>
    /// <c>[ ... ]</c>: positional <paramref name="prefix"/> items first, then <paramref name="items"/>
    /// (null: none beyond the prefix), between <paramref name="minItems"/> and <paramref name="maxItems"/> in all.
    /// </summary>
    public Fragment Array(IReadOnlyList<Func<Fragment>> prefix, Func<Fragment>? items, int minItems, int? maxItems)
    {
        var open = nfa.Sequence(nfa.Literal("["), Whitespace());
        var closeFromEmpty = nfa.Literal("]");
        var closeAfterItems = nfa.Sequence(Whitespace(), nfa.Literal("]"));
        if (minItems == 0) nfa.Epsilon(open.End, closeFromEmpty.Start);

        var cursor = open.End;
        var count = 0;
        for (; count < prefix.Count && (maxItems == null || count < maxItems); count++)
        {
            var item = count == 0 ? prefix[count]() : nfa.Sequence(Separator(), prefix[count]());
            nfa.Epsilon(cursor, item.Start);
            cursor = item.End;
            if (count + 1 >= minItems) nfa.Epsilon(cursor, closeAfterItems.Start);
        }
        if (items != null && (maxItems == null || count < maxItems))
        {
            var remainingMin = Math.Max(0, minItems - count);
            var remainingMax = maxItems - count;
            var tail = count == 0
                ? nfa.Repeat(items, Math.Max(1, remainingMin), remainingMax, Separator)
                : nfa.Repeat(() => nfa.Sequence(Separator(), items()), Math.Max(1, remainingMin), remainingMax);
            nfa.Epsilon(cursor, tail.Start);
            nfa.Epsilon(tail.End, closeAfterItems.Start);
        }
        var end = nfa.NewState();
        nfa.Epsilon(closeFromEmpty.End, end);
        nfa.Epsilon(closeAfterItems.End, end);
        return new Fragment(open.Start, end);
    }

    private Fragment Member(Fragment key, Fragment value) =>
        nfa.Sequence(key, Whitespace(), nfa.Literal(":"), Whitespace(), value);

    private Fragment Separator() => nfa.Sequence(Whitespace(), nfa.Literal(","), Whitespace());

    /// <summary>From a state where something was already emitted, a member needs a comma first.</summary>
    private void Link(int someAlready, int memberStart)
    {
        var separator = Separator();
        nfa.Epsilon(someAlready, separator.Start);
        nfa.Epsilon(separator.End, memberStart);
    }
}
