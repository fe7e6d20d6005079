using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Text;

namespace QwenVL.Http.Protocol;

/// <summary>Writes finished choices as OpenAI's chat.completion object.</summary>
public sealed class ChatCompletionResponseBuilder(QwenTokenizer tokenizer)
{
    public ChatCompletionResponse Build(string id, string model, int promptTokens, IReadOnlyList<GeneratedChoice> choices, bool logprobs)
    {
        var dtos = choices.Select(c => new ChatChoiceDto(
            c.Index,
            new AssistantMessageDto("assistant", c.Text),
            logprobs ? new ChoiceLogprobsDto(c.Samples.Select(TokenLogprob).ToArray()) : null,
            c.Reason.ToOpenAi())).ToArray();
        int completion = choices.Sum(c => c.TokenIds.Length);
        return new ChatCompletionResponse(id, "chat.completion", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), model, dtos,
            new UsageDto(promptTokens, completion, promptTokens + completion));
    }

    private TokenLogprobDto TokenLogprob(SampledToken s) => new(
        TokenText(s.TokenId), s.Logprob, Bytes(s.TokenId),
        s.TopLogprobs?.Select(t => new TopLogprobDto(TokenText(t.TokenId), t.Logprob, Bytes(t.TokenId))).ToArray() ?? []);

    private string TokenText(int id) => tokenizer.Decode([id]);

    // The embedding table is wider than the tokenizer's vocabulary; ids past it have no text.
    private int[] Bytes(int id) => id < tokenizer.VocabSize ? tokenizer.TokenBytes(id).Select(b => (int)b).ToArray() : [];
}
