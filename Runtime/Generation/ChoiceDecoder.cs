using System.Text;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Text;

namespace QwenVL.Runtime.Generation;

/// <summary>
/// One choice's text and ending as its tokens arrive; serving and `qwenvl generate` both end choices here.
/// A stop token (EOS unless ignore_eos, or one of stop_token_ids) stays out of the text, as in vLLM; the
/// scheduler ends the sequence on it. Stop strings are looked for once min_tokens tokens are out: the text
/// ends before the earliest match (or after it, with include_stop_str_in_output). Text is detokenized
/// incrementally, and the tail that could still grow into a stop string is held back, so a stop string is
/// never split across deltas and never sent.
/// </summary>
public sealed class ChoiceDecoder
{
    private readonly IncrementalDetokenizer _detokenizer;
    private readonly int[] _stopTokenIds;
    private readonly IReadOnlyList<string> _stops;
    private readonly int _minTokens;
    private readonly bool _includeStop;
    private readonly int _holdBack;
    private readonly StringBuilder _text = new();
    private int _emitted;

    /// <param name="stopTokenIds">the ids that end the sequence (see <see cref="ChoiceSet.StopTokenIds"/>)</param>
    public ChoiceDecoder(QwenTokenizer tokenizer, SamplingParams p, int[] stopTokenIds, OutputTextOptions options)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(options);
        _detokenizer = new IncrementalDetokenizer(tokenizer, options.SkipSpecialTokens);
        _stopTokenIds = stopTokenIds;
        _stops = p.Stop;
        _minTokens = p.MinTokens;
        _includeStop = options.IncludeStopStringInOutput;
        _holdBack = _stops.Count == 0 ? 0 : _stops.Max(s => s.Length) - 1;
    }

    /// <summary>Tokens this choice took, up to and including the one that ended it.</summary>
    public int Produced { get; private set; }

    /// <summary>A stop string ended the choice; the scheduler's sequence may still be running and should be aborted.</summary>
    public bool StoppedByText { get; private set; }

    /// <summary>Why the choice ended; null while it goes on.</summary>
    public FinishReason? Reason { get; private set; }

    public bool Ended => Reason != null;

    /// <summary>Takes the next sampled token; returns the text that may be sent now. After the choice ended, tokens are ignored.</summary>
    public string Add(int tokenId)
    {
        if (Ended) return "";
        Produced++;
        if (Array.IndexOf(_stopTokenIds, tokenId) >= 0) return "";
        var text = Append(_detokenizer.Add(tokenId));
        if (StoppedByText) Reason = FinishReason.Stop;
        return text;
    }

    /// <summary>
    /// Ends the choice for the scheduler's <paramref name="reason"/> (a stop string found in the last text wins);
    /// returns the rest of the text (incomplete UTF-8 becomes U+FFFD). Empty if the choice had already ended.
    /// </summary>
    public string Finish(FinishReason reason)
    {
        if (Ended) return "";
        var rest = Append(_detokenizer.Flush(), final: true);
        Reason = StoppedByText ? FinishReason.Stop : reason;
        return rest;
    }

    private string Append(string piece, bool final = false)
    {
        int before = _text.Length;
        _text.Append(piece);
        if (Produced >= _minTokens && FindStop(before) is { } stop) return EmitThrough(stop);
        return EmitUpTo(final ? _text.Length : _text.Length - _holdBack);
    }

    private (int At, int Length)? FindStop(int newFrom)
    {
        if (_stops.Count == 0 || _text.Length == newFrom) return null;
        // Only the tail that the new text could have completed a stop string in, so the cost per token stays flat.
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
        StoppedByText = true;
        return EmitUpTo(_includeStop ? stop.At + stop.Length : stop.At, allowHighSurrogateEnd: true);
    }

    private string EmitUpTo(int end, bool allowHighSurrogateEnd = false)
    {
        // Never end a delta between the two halves of a surrogate pair.
        if (!allowHighSurrogateEnd && end > _emitted && end < _text.Length && char.IsHighSurrogate(_text[end - 1])) end--;
        if (end <= _emitted) return "";
        var piece = _text.ToString(_emitted, end - _emitted);
        _emitted = end;
        return piece;
    }
}
