using QwenVL.Http.Protocol;
using QwenVL.Runtime.Generation;

namespace QwenVL.Http.Structured;

/// <summary>
/// How a choice of a forced tool call is answered. A recognised call is message.tool_calls with content null and
/// finish_reason "tool_calls" when the model finished it ("length" when max_tokens cut it: its arguments are then the
/// partial text, as vLLM returns them). Output that is not a call (only possible unconstrained) stays content.
/// </summary>
public static class ToolCallAnswer
{
    public const string FinishReasonToolCalls = "tool_calls";

    public static (AssistantMessageDto Message, string FinishReason) Of(GeneratedChoice choice, ForcedToolCall call)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(call);
        var reader = new ToolCallReader(call);
        reader.Append(choice.Text);
        reader.Finish(choice.Reason);
        if (!reader.Recognised) return (new AssistantMessageDto("assistant", choice.Text), choice.Reason.ToOpenAi());
        var toolCall = new ToolCallResponseDto(ToolCallIds.New(), "function", new FunctionCallResponseDto(reader.Name!, reader.Arguments));
        return (new AssistantMessageDto("assistant", null, [toolCall]), FinishReasonOf(choice.Reason, recognised: true));
    }

    public static string FinishReasonOf(FinishReason reason, bool recognised) =>
        recognised && reason == FinishReason.Stop ? FinishReasonToolCalls : reason.ToOpenAi();
}
