using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Text;

namespace QwenVL.Http.Protocol;

/// <summary>Writes finished choices as OpenAI's chat.completion object.</summary>
public sealed class ChatCompletionResponseBuilder(QwenTokenizer tokenizer)
{
    private readonly LogprobsFormatter _logprobs = new(tokenizer);

    public ChatCompletionResponse Build(string id, string model, long created, IReadOnlyList<GeneratedChoice> choices, bool logprobs, UsageDto usage)
    {
        var dtos = choices.Select(c => new ChatChoiceDto(
            c.Index,
            new AssistantMessageDto("assistant", c.Text),
            logprobs ? _logprobs.Chat(c.Samples) : null,
            c.Reason.ToOpenAi())).ToArray();
        return new ChatCompletionResponse(id, "chat.completion", created, model, dtos, usage);
    }
}
