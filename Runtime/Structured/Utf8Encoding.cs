namespace QwenVL.Runtime.Structured;

/// <summary>
/// Turns sets of code points into byte-level fragments matching exactly their UTF-8 encodings. A code
/// point range is split until each piece encodes as a fixed-length sequence of byte ranges (the method of
/// RE2 and Rust's regex-syntax), so no over-long or surrogate encoding is ever accepted.
/// </summary>
internal static class Utf8Encoding
{
    private static readonly CodePointSet Surrogates = CodePointSet.Range(0xD800, 0xDFFF);

    public static Fragment Encode(NfaBuilder nfa, CodePointSet set)
    {
        var sequences = new List<Fragment>();
        foreach (var (lo, hi) in set.Except(Surrogates).Ranges)
        {
            foreach (var (start, end) in SplitByLength(lo, hi)) AddSequences(nfa, start, end, sequences);
        }
        return sequences.Count == 0 ? nfa.Nothing() : nfa.Choice(sequences.ToArray());
    }

    private static IEnumerable<(int Lo, int Hi)> SplitByLength(int lo, int hi)
    {
        foreach (var limit in new[] { 0x7F, 0x7FF, 0xFFFF, CodePointSet.MaxCodePoint })
        {
            if (lo > limit) continue;
            yield return (lo, Math.Min(hi, limit));
            if (hi <= limit) yield break;
            lo = limit + 1;
        }
    }

    private static void AddSequences(NfaBuilder nfa, int lo, int hi, List<Fragment> sequences)
    {
        var pending = new Stack<(int Lo, int Hi)>();
        pending.Push((lo, hi));
        while (pending.TryPop(out var range))
        {
            if (TrySplit(range, out var first, out var second))
            {
                pending.Push(second);
                pending.Push(first);
                continue;
            }
            var loBytes = ToUtf8(range.Lo);
            var hiBytes = ToUtf8(range.Hi);
            var parts = new Fragment[loBytes.Length];
            for (var i = 0; i < parts.Length; i++) parts[i] = nfa.Range(loBytes[i], hiBytes[i]);
            sequences.Add(nfa.Sequence(parts));
        }
    }

    /// <summary>Splits a same-length range whose continuation bytes do not span full 0x80..0xBF ranges.</summary>
    private static bool TrySplit((int Lo, int Hi) range, out (int, int) first, out (int, int) second)
    {
        var length = ToUtf8(range.Lo).Length;
        for (var i = 1; i < length; i++)
        {
            var max = (1 << (6 * i)) - 1;
            if ((range.Lo & ~max) == (range.Hi & ~max)) continue;
            if ((range.Lo & max) != 0)
            {
                first = (range.Lo, range.Lo | max);
                second = ((range.Lo | max) + 1, range.Hi);
                return true;
            }
            if ((range.Hi & max) != max)
            {
                first = (range.Lo, (range.Hi & ~max) - 1);
                second = (range.Hi & ~max, range.Hi);
                return true;
            }
        }
        first = second = default;
        return false;
    }

    public static byte[] ToUtf8(int codePoint) => codePoint switch
    {
        < 0x80 => [(byte)codePoint],
        < 0x800 => [(byte)(0xC0 | (codePoint >> 6)), (byte)(0x80 | (codePoint & 0x3F))],
        < 0x10000 => [(byte)(0xE0 | (codePoint >> 12)), (byte)(0x80 | ((codePoint >> 6) & 0x3F)), (byte)(0x80 | (codePoint & 0x3F))],
        _ => [(byte)(0xF0 | (codePoint >> 18)), (byte)(0x80 | ((codePoint >> 12) & 0x3F)),
              (byte)(0x80 | ((codePoint >> 6) & 0x3F)), (byte)(0x80 | (codePoint & 0x3F))],
    };
}
