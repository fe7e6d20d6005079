using System.Text;
using QwenVL.Runtime.Text;

namespace QwenVL.Actors;

/// <summary>
/// One choice's text as its tokens arrive: detokenizes incrementally and applies stop strings, holding
/// back the tail that could still grow into a stop string, so a stop string is never split across
/// chunks and never reaches the client.
/// </summary>
public sealed class ChoiceText
{
    private readonly IncrementalDetokenizer _detokenizer;
    private readonly IReadOnlyList<string> _stops;
    private readonly bool _includeStop;
    private readonly int _holdBack;
    private readonly StringBuilder _text = new();
    private int _emitted;

    public bool Stopped { get; private set; }

    public ChoiceText(QwenTokenizer tokenizer, bool skipSpecialTokens, IReadOnlyList<string> stops, bool includeStopInOutput)
    {
        _detokenizer = new IncrementalDetokenizer(tokenizer, skipSpecialTokens);
        _stops = stops;
        _includeStop = includeStopInOutput;
        _holdBack = stops.Count == 0 ? 0 : stops.Max(s => s.Length) - 1;
    }

    /// <summary>
    /// Adds a token's text; returns what may be sent now. <paramref name="checkStops"/> is false while
    /// the choice is under min_tokens. After a stop string is found, <see cref="Stopped"/> is true.
    /// </summary>
    public string Add(int tokenId, bool checkStops)
    {
        if (Stopped) return "";
        int before = _text.Length;
        _text.Append(_detokenizer.Add(tokenId));
        if (checkStops && FindStop(before) is { } stop) return EmitThrough(stop);
        return EmitUpTo(_text.Length - _holdBack);
    }

    /// <summary>The rest of the text when the sequence ends (incomplete UTF-8 becomes U+FFFD).</summary>
    public string Finish(bool checkStops)
    {
        if (Stopped) return "";
        int before = _text.Length;
        _text.Append(_detokenizer.Flush());
        if (checkStops && FindStop(before) is { } stop) return EmitThrough(stop);
        return EmitUpTo(_text.Length);
    }

    private (int At, int Length)? FindStop(int newFrom)
    {
        if (_stops.Count == 0 || _text.Length == newFrom) return null;
        // Only the tail that the new text could have completed a stop string in.
        int from = Math.Max(_emitted, newFrom - _holdBack);
        var tail = _text.ToString(from, _text.Length - from);
        (int At, int Length)? best = null;
        foreach (var s in _stops)
        {
            int at = tail.IndexOf(s, StringComparison.Ordinal);
            if (at >= 0 && (best == null || from + at < best.Value.At)) best = (from + at, s.Length);
        }
        return best;
    }

    private string EmitThrough((int At, int Length) stop)
    {
        Stopped = true;
        return EmitUpTo(_includeStop ? stop.At + stop.Length : stop.At, allowHighSurrogateEnd: true);
    }

    private string EmitUpTo(int end, bool allowHighSurrogateEnd = false)
    {
        // Never end a chunk between the two halves of a surrogate pair.
        if (!allowHighSurrogateEnd && end > _emitted && end < _text.Length && char.IsHighSurrogate(_text[end - 1])) end--;
        if (end <= _emitted) return "";
        var piece = _text.ToString(_emitted, end - _emitted);
        _emitted = end;
        return piece;
    }
}
