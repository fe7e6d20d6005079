namespace QwenVL.Runtime.Structured;

/// <summary>
/// JSON string contents at the byte level. Each character has one spelling (up to hex case): raw UTF-8 for
/// U+0020 and above (except <c>"</c> and <c>\</c>), <c>\" \\ \b \f \n \r \t</c>, and <c>\u00XX</c> for the
/// other control characters. <c>\/</c> and <c>\u</c> escapes of printable characters are not produced:
/// they are valid JSON, but a single spelling keeps the automaton small and lengths countable.
/// </summary>
internal static class JsonStrings
{
    private static readonly CodePointSet Raw = CodePointSet.Range(0x20, CodePointSet.MaxCodePoint)
        .Except(CodePointSet.Of('"')).Except(CodePointSet.Of('\\'));

    private static readonly (int CodePoint, char Escape)[] ShortEscapes =
        [('"', '"'), ('\\', '\\'), ('\b', 'b'), ('\f', 'f'), ('\n', 'n'), ('\r', 'r'), ('\t', 't')];

    /// <summary>One character of a JSON string whose code point is in <paramref name="set"/>, in its single spelling.</summary>
    public static Fragment Character(NfaBuilder nfa, CodePointSet set)
    {
        var options = new List<Fragment>();
        var raw = set.Intersect(Raw);
        if (!raw.IsEmpty) options.Add(Utf8Encoding.Encode(nfa, raw));
        foreach (var (codePoint, escape) in ShortEscapes)
        {
            if (set.Contains(codePoint)) options.Add(nfa.Literal([(byte)'\\', (byte)escape]));
        }
        for (var high = 0; high < 2; high++)
        {
            var lowNibbles = Enumerable.Range(0, 16).Where(low => NeedsUnicodeEscape(high * 16 + low) && set.Contains(high * 16 + low)).ToArray();
            if (lowNibbles.Length == 0) continue;
            var hexDigits = lowNibbles.SelectMany(HexSpellings).Select(c => nfa.Range((byte)c, (byte)c)).ToArray();
            options.Add(nfa.Sequence(nfa.Literal("\\u00" + high), nfa.Choice(hexDigits)));
        }
        return options.Count == 0 ? nfa.Nothing() : nfa.Choice(options.ToArray());
    }

    /// <summary>A quoted string of <paramref name="minLength"/> to <paramref name="maxLength"/> characters (null: unbounded).</summary>
    /// <remarks>With a minimum of two or more, characters are <see cref="StandaloneCharacters"/> so the length holds however it is counted.</remarks>
    public static Fragment Quoted(NfaBuilder nfa, int minLength, int? maxLength)
    {
        var characters = minLength >= 2 ? StandaloneCharacters.Set : CodePointSet.All;
        return nfa.Sequence(nfa.Literal("\""), nfa.Repeat(() => Character(nfa, characters), minLength, maxLength), nfa.Literal("\""));
    }

    /// <summary>
    /// A quoted string whose contents match <paramref name="pattern"/> with JSON Schema's search semantics:
    /// an end without its anchor may have any characters beyond the match.
    /// </summary>
    public static Fragment Matching(NfaBuilder nfa, string pattern)
    {
        var (node, anchoredStart, anchoredEnd) = RegexParser.Parse(pattern);
        Fragment AnyText() => nfa.Repeat(() => Character(nfa, CodePointSet.All), 0, null);
        return nfa.Sequence(
            nfa.Literal("\""),
            anchoredStart ? nfa.Empty() : AnyText(),
            node.Compile(nfa, set => Character(nfa, set)),
            anchoredEnd ? nfa.Empty() : AnyText(),
            nfa.Literal("\""));
    }

    /// <summary>The exact spelling of <paramref name="text"/> as a quoted JSON string, as <see cref="Character"/> spells it.</summary>
    public static string Spell(string text)
    {
        var spelled = new System.Text.StringBuilder("\"");
        foreach (var rune in text.EnumerateRunes())
        {
            var escape = ShortEscapes.FirstOrDefault(e => e.CodePoint == rune.Value).Escape;
            if (escape != default) spelled.Append('\\').Append(escape);
            else if (rune.Value < 0x20) spelled.Append($"\\u{rune.Value:x4}");
            else spelled.Append(rune.ToString());
        }
        return spelled.Append('"').ToString();
    }

    private static bool NeedsUnicodeEscape(int codePoint) => codePoint < 0x20 && ShortEscapes.All(e => e.CodePoint != codePoint);

    private static IEnumerable<char> HexSpellings(int nibble)
    {
        var lower = "0123456789abcdef"[nibble];
        yield return lower;
        if (char.IsAsciiLetter(lower)) yield return char.ToUpperInvariant(lower);
    }
}
