using QwenVL.Http.Protocol;
using QwenVL.Http.Structured;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Text;

namespace QwenVL.Http.Completions;

/// <summary>Writes finished choices as OpenAI's chat.completion object; a forced tool call's choices as tool_calls.</summary>
public sealed class ChatCompletionResponseBuilder(QwenTokenizer tokenizer)
{
    private readonly LogprobsFormatter _logprobs = new(tokenizer);

    public ChatCompletionResponse Build(string id, string model, long created, IReadOnlyList<GeneratedChoice> choices, bool logprobs, UsageDto usage,
        ForcedToolCall? toolCall = null)
    {
        var dtos = choices.Select(c =>
        {
            var (message, finishReason) = toolCall != null
                ? ToolCallAnswer.Of(c, toolCall)
                : (new AssistantMessageDto("assistant", c.Text), c.Reason.ToOpenAi());
            return new ChatChoiceDto(c.Index, message, logprobs ? _logprobs.Chat(c.Samples) : null, finishReason);
        }).ToArray();
        return new ChatCompletionResponse(id, "chat.completion", created, model, dtos, usage);
    }
}
