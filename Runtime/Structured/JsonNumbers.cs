namespace QwenVL.Runtime.Structured;

/// <summary>
/// JSON numbers, optionally within integral bounds, enforced exactly by digit-range construction.
/// Digit counts are bounded (at most <see cref="MaxDigits"/> before and <see cref="MaxFractionDigits"/>
/// after the point, two in an exponent): every output is a valid JSON number that fits a long or a
/// double without overflowing consumers, and a digit loop cannot run forever.
/// </summary>
internal static class JsonNumbers
{
    public const int MaxDigits = 18;
    public const int MaxFractionDigits = 15;
    public const long Largest = 999_999_999_999_999_999;

    /// <summary>Integers in [<paramref name="min"/>, <paramref name="max"/>], either end open when null.</summary>
    public static Fragment Integer(NfaBuilder nfa, long? min, long? max)
    {
        var lo = min ?? -Largest;
        var hi = max ?? Largest;
        var options = new List<Fragment>();
        if (hi >= 0 && lo <= hi) options.Add(Magnitudes(nfa, Math.Max(lo, 0), hi));
        if (lo < 0 && lo <= hi) options.Add(nfa.Sequence(nfa.Literal("-"), Magnitudes(nfa, Math.Max(1, -Math.Min(hi, 0)), -lo)));
        return options.Count == 0 ? nfa.Nothing() : nfa.Choice(options.ToArray());
    }

    /// <summary>Any number: integer part, optional fraction, optional exponent.</summary>
    public static Fragment Unbounded(NfaBuilder nfa) => nfa.Sequence(
        nfa.Optional(nfa.Literal("-")),
        Magnitudes(nfa, 0, Largest),
        nfa.Optional(nfa.Sequence(nfa.Literal("."), nfa.Repeat(() => Digit(nfa), 1, MaxFractionDigits))),
        nfa.Optional(nfa.Sequence(
            nfa.Choice(nfa.Literal("e"), nfa.Literal("E")),
            nfa.Optional(nfa.Choice(nfa.Literal("+"), nfa.Literal("-"))),
            nfa.Repeat(() => Digit(nfa), 1, 2))));

    /// <summary>
    /// Numbers x with <paramref name="min"/> ≤ x ≤ <paramref name="max"/> (strict where the flags say), the
    /// bounds integral. Without an exponent: whole numbers in range, and n.f with a nonzero fraction
    /// when the whole open interval between n and the next integer away from zero lies in range.
    /// </summary>
    public static Fragment Bounded(NfaBuilder nfa, long? min, bool minExclusive, long? max, bool maxExclusive)
    {
        var wholes = Integer(nfa, min + (minExclusive ? 1 : 0), max - (maxExclusive ? 1 : 0));
        // n.f lies in (n, n + 1): needs n ≥ min and n + 1 ≤ max.
        var positive = Fraction(nfa, "", Math.Max(0, min ?? 0), (max ?? Largest + 1) - 1);
        // -m.f lies in (-m - 1, -m): needs -m - 1 ≥ min and -m ≤ max.
        var negative = Fraction(nfa, "-", Math.Max(0, -(max ?? 0)), -(min ?? -Largest - 1) - 1);
        return nfa.Choice(wholes, positive, negative);
    }

    private static Fragment Fraction(NfaBuilder nfa, string sign, long lo, long hi)
    {
        if (lo > hi) return nfa.Nothing();
        return nfa.Sequence(
            nfa.Literal(sign),
            Magnitudes(nfa, lo, Math.Min(hi, Largest)),
            nfa.Literal("."),
            nfa.Repeat(() => Digit(nfa), 0, MaxFractionDigits - 1),
            nfa.Range((byte)'1', (byte)'9'));
    }

    private static Fragment Digit(NfaBuilder nfa) => nfa.Range((byte)'0', (byte)'9');

    /// <summary>Decimal spellings, without leading zeros, of the integers in [lo, hi] (both ≥ 0).</summary>
    private static Fragment Magnitudes(NfaBuilder nfa, long lo, long hi)
    {
        if (lo > hi) return nfa.Nothing();
        var options = new List<Fragment>();
        for (var digits = 1; digits <= MaxDigits; digits++)
        {
            var smallest = digits == 1 ? 0 : Pow10(digits - 1);
            var largest = Pow10(digits) - 1;
            var from = Math.Max(lo, smallest);
            var to = Math.Min(hi, largest);
            if (from <= to) options.Add(SameLength(nfa, from.ToString(), to.ToString()));
        }
        return nfa.Choice(options.ToArray());
    }

    /// <summary>Digit strings of one length between <paramref name="lo"/> and <paramref name="hi"/>, digit by digit.</summary>
    private static Fragment SameLength(NfaBuilder nfa, string lo, string hi)
    {
        if (lo.Length == 0) return nfa.Empty();
        var (first, last) = ((byte)lo[0], (byte)hi[0]);
        if (lo.AsSpan(1).IndexOfAnyExcept('0') < 0 && hi.AsSpan(1).IndexOfAnyExcept('9') < 0)
            return nfa.Sequence(nfa.Range(first, last), nfa.Repeat(() => Digit(nfa), lo.Length - 1, lo.Length - 1));
        if (first == last) return nfa.Sequence(nfa.Range(first, first), SameLength(nfa, lo[1..], hi[1..]));

        var rest = lo.Length - 1;
        var options = new List<Fragment>
        {
            nfa.Sequence(nfa.Range(first, first), SameLength(nfa, lo[1..], new string('9', rest))),
            nfa.Sequence(nfa.Range(last, last), SameLength(nfa, new string('0', rest), hi[1..])),
        };
        if (last - first >= 2)
            options.Add(nfa.Sequence(nfa.Range((byte)(first + 1), (byte)(last - 1)), nfa.Repeat(() => Digit(nfa), rest, rest)));
        return nfa.Choice(options.ToArray());
    }

    private static long Pow10(int exponent)
    {
        var value = 1L;
        for (var i = 0; i < exponent; i++) value *= 10;
        return value;
    }
}
