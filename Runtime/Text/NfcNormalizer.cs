using System.Buffers;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace QwenVL.Runtime.Text;

/// <summary>
/// Unicode NFC, the normalizer Qwen2's tokenizer.json names. Written out here rather than calling
/// <see cref="string.Normalize()"/> because that silently does nothing when the host runs with
/// InvariantGlobalization (as this repository does), and Hugging Face normalizes without ICU too.
/// Follows UAX #15: full canonical decomposition, canonical ordering, canonical composition.
/// </summary>
internal sealed class NfcNormalizer : Normalizer
{
    private const int HangulSBase = 0xAC00, HangulLBase = 0x1100, HangulVBase = 0x1161, HangulTBase = 0x11A7;
    private const int HangulLCount = 19, HangulVCount = 21, HangulTCount = 28;
    private const int HangulNCount = HangulVCount * HangulTCount, HangulSCount = HangulLCount * HangulNCount;

    private readonly Dictionary<int, int> _combiningClass = new();
    private readonly Dictionary<int, int[]> _decomposition = new();
    private readonly Dictionary<long, int> _composition = new();
    // One bit per code point: set where NFC might change the text (see NfcTables.MayChangeRanges).
    // Text without such code points is already NFC, which is most text.
    private readonly ulong[] _mayChange = new ulong[0x110000 / 64];

    public static NfcNormalizer Instance { get; } = new();

    private NfcNormalizer()
    {
        var classes = NfcTables.CombiningClasses;
        for (var i = 0; i < classes.Length; i += 2)
        {
            _combiningClass[classes[i]] = classes[i + 1];
        }

        var decompositions = NfcTables.Decompositions;
        for (var i = 0; i < decompositions.Length;)
        {
            var cp = decompositions[i];
            var length = decompositions[i + 1];
            _decomposition[cp] = decompositions.Slice(i + 2, length).ToArray();
            i += 2 + length;
        }

        var compositions = NfcTables.Compositions;
        for (var i = 0; i < compositions.Length; i += 3)
        {
            _composition[PairKey(compositions[i], compositions[i + 1])] = compositions[i + 2];
        }

        var ranges = NfcTables.MayChangeRanges;
        for (var i = 0; i < ranges.Length; i += 2)
        {
            for (var cp = ranges[i]; cp <= ranges[i + 1]; cp++) _mayChange[cp >> 6] |= 1UL << (cp & 63);
        }
    }

    public override string Normalize(string original) => IsStable(original) ? original : Compose(original);

    public override string Normalize(ReadOnlySpan<char> original) =>
        IsStable(original) ? original.ToString() : Compose(original);

    private bool IsStable(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            int cp = text[i];
            if (cp < 0x300) continue; // nothing below the first combining mark changes under NFC
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                cp = char.ConvertToUtf32(text[i], text[++i]);
            if (MayChange(cp)) return false;
        }
        return true;
    }

    private string Compose(ReadOnlySpan<char> text)
    {
        // A code point decomposes into at most a few; 4 per UTF-16 unit is a safe bound for the buffer.
        var buffer = ArrayPool<int>.Shared.Rent(text.Length * 4 + 4);
        try
        {
            var length = Decompose(text, buffer);
            ReorderCanonically(buffer.AsSpan(0, length));
            length = ComposeInPlace(buffer.AsSpan(0, length));
            var result = new StringBuilder(text.Length);
            for (var i = 0; i < length; i++)
            {
                if (buffer[i] <= 0xFFFF) result.Append((char)buffer[i]); // also keeps lone surrogates as they were
                else result.Append(char.ConvertFromUtf32(buffer[i]));
            }
            return result.ToString();
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    private int Decompose(ReadOnlySpan<char> text, int[] output)
    {
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            int cp = text[i];
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                cp = char.ConvertToUtf32(text[i], text[++i]);

            var s = cp - HangulSBase;
            if (s >= 0 && s < HangulSCount)
            {
                output[length++] = HangulLBase + s / HangulNCount;
                output[length++] = HangulVBase + s % HangulNCount / HangulTCount;
                if (s % HangulTCount != 0) output[length++] = HangulTBase + s % HangulTCount;
            }
            else if (_decomposition.TryGetValue(cp, out var parts))
            {
                parts.CopyTo(output, length);
                length += parts.Length;
            }
            else
            {
                output[length++] = cp;
            }
        }
        return length;
    }

    // Within each run of combining marks, a stable sort by combining class (insertion sort: runs are short).
    private void ReorderCanonically(Span<int> cps)
    {
        for (var i = 1; i < cps.Length; i++)
        {
            var ccc = CombiningClass(cps[i]);
            if (ccc == 0) continue;
            var cp = cps[i];
            var j = i;
            while (j > 0 && CombiningClass(cps[j - 1]) > ccc)
            {
                cps[j] = cps[j - 1];
                j--;
            }
            cps[j] = cp;
        }
    }

    // UAX #15 canonical composition: each character joins the last starter unless something between
    // them blocks it (a mark of the same or higher class, or another starter).
    private int ComposeInPlace(Span<int> cps)
    {
        if (cps.Length == 0) return 0;
        var starterPos = 0;
        var lastClass = CombiningClass(cps[0]) == 0 ? 0 : 256; // text that starts with a mark has no starter
        var written = 1;
        for (var i = 1; i < cps.Length; i++)
        {
            var cp = cps[i];
            var ccc = CombiningClass(cp);
            if ((lastClass < ccc || lastClass == 0) && TryCompose(cps[starterPos], cp, out var composite))
            {
                cps[starterPos] = composite;
                continue;
            }
            if (ccc == 0) starterPos = written;
            lastClass = ccc;
            cps[written++] = cp;
        }
        return written;
    }

    private bool TryCompose(int first, int second, out int composite)
    {
        var l = first - HangulLBase;
        var v = second - HangulVBase;
        if (l >= 0 && l < HangulLCount && v >= 0 && v < HangulVCount)
        {
            composite = HangulSBase + (l * HangulVCount + v) * HangulTCount;
            return true;
        }
        var s = first - HangulSBase;
        var t = second - HangulTBase;
        if (s >= 0 && s < HangulSCount && s % HangulTCount == 0 && t > 0 && t < HangulTCount)
        {
            composite = first + t;
            return true;
        }
        return _composition.TryGetValue(PairKey(first, second), out composite);
    }

    private int CombiningClass(int cp) => cp < 0x300 ? 0 : _combiningClass.GetValueOrDefault(cp);

    private bool MayChange(int cp) => (_mayChange[cp >> 6] & (1UL << (cp & 63))) != 0;

    private static long PairKey(int first, int second) => ((long)first << 21) | (uint)second;
}
