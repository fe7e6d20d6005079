using System.Text;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Text;

namespace QwenVL.Runtime.Generation;

/// <summary>The state of one choice while it generates: its tokens, its blocks, its text so far.</summary>
internal sealed class GeneratingSequence
{
    private readonly IncrementalDetokenizer _detokenizer;
    private readonly StringBuilder _text = new();
    private string? _finalText;

    public int Index { get; }
    public int[] BlockTable { get; }
    public ulong Seed { get; }
    public List<int> Output { get; } = new();
    public List<SampledToken> Samples { get; } = new();
    public FinishReason? Finished { get; private set; }

    public GeneratingSequence(int index, int[] blockTable, ulong seed, QwenTokenizer tokenizer)
    {
        Index = index;
        BlockTable = blockTable;
        Seed = seed;
        _detokenizer = new IncrementalDetokenizer(tokenizer, skipSpecialTokens: true);
    }

    /// <summary>Takes a sampled token; returns the text it completed (for stop-string checks).</summary>
    public string Append(SampledToken token, bool textVisible)
    {
        Output.Add(token.TokenId);
        Samples.Add(token);
        if (!textVisible) return "";
        var piece = _detokenizer.Add(token.TokenId);
        _text.Append(piece);
        return piece;
    }

    public string Text => _text.ToString();

    public void Finish(FinishReason reason, int? truncateAt = null)
    {
        Finished = reason;
        if (truncateAt is int cut) _finalText = _text.ToString(0, cut);
        else _finalText = _text.Append(_detokenizer.Flush()).ToString();
    }

    public GeneratedChoice ToChoice() =>
        new(Index, _finalText ?? _text.ToString(), Output.ToArray(), Samples.ToArray(), Finished ?? FinishReason.Abort);
}
