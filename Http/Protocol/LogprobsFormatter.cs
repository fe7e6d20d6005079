using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Text;

namespace QwenVL.Http.Protocol;

/// <summary>Writes sampled tokens' logprobs in the chat form (token, logprob, bytes, top_logprobs) and the legacy completions form.</summary>
public sealed class LogprobsFormatter(QwenTokenizer tokenizer)
{
    public ChoiceLogprobsDto Chat(IReadOnlyList<SampledToken> tokens)
    {
        var content = new TokenLogprobDto[tokens.Count];
        for (int i = 0; i < content.Length; i++) content[i] = Chat(tokens[i]);
        return new ChoiceLogprobsDto(content);
    }

    public TokenLogprobDto Chat(SampledToken s) => new(
        TokenText(s.TokenId), s.Logprob, Bytes(s.TokenId),
        s.TopLogprobs?.Select(t => new TopLogprobDto(TokenText(t.TokenId), t.Logprob, Bytes(t.TokenId))).ToArray() ?? []);

    /// <summary>
    /// The legacy form for <paramref name="tokens"/>, whose text starts at <paramref name="textOffset"/> in the choice's
    /// text. Offsets advance by each token's own text, as vLLM counts them. Two top tokens with the same text keep the first.
    /// </summary>
    public CompletionLogprobsDto Completion(IReadOnlyList<SampledToken> tokens, int textOffset)
    {
        var offsets = new int[tokens.Count];
        var logprobs = new float[tokens.Count];
        var texts = new string[tokens.Count];
        var tops = new Dictionary<string, float>[tokens.Count];
        for (int i = 0; i < tokens.Count; i++)
        {
            var s = tokens[i];
            offsets[i] = textOffset;
            texts[i] = TokenText(s.TokenId);
            textOffset += texts[i].Length;
            logprobs[i] = s.Logprob;
            var top = new Dictionary<string, float>(StringComparer.Ordinal);
            foreach (var t in s.TopLogprobs ?? []) top.TryAdd(TokenText(t.TokenId), t.Logprob);
            tops[i] = top;
        }
        return new CompletionLogprobsDto(offsets, logprobs, texts, tops);
    }

    public string TokenText(int id) => tokenizer.Decode([id]);

    // The embedding table is wider than the tokenizer's vocabulary; ids past it have no text.
    private int[] Bytes(int id) => id < tokenizer.VocabSize ? tokenizer.TokenBytes(id).Select(b => (int)b).ToArray() : [];
}
