using QwenVL.Http.Protocol;
using QwenVL.Runtime.Generation;

namespace QwenVL.Http.Structured;

/// <summary>
/// One streamed choice of a forced tool call as chunk deltas, in OpenAI's order: a first piece with the call's index
/// (0), id, type and name and empty arguments, as soon as the name is known (at once for a named function), then the
/// arguments as they come. Output that never shows a call is sent as content when the choice finishes.
/// </summary>
public sealed class StreamedToolCall(ForcedToolCall call)
{
    private readonly ToolCallReader _reader = new(call);
    private readonly string _id = ToolCallIds.New();

    /// <summary>The opening piece of a named call (its name is known before any output); none for "required".</summary>
    public IReadOnlyList<ChatDeltaDto> Start() => call.IsNamed ? [Header(call.Function!)] : [];

    public IReadOnlyList<ChatDeltaDto> Add(string text)
    {
        var progress = _reader.Append(text);
        var deltas = new List<ChatDeltaDto>(2);
        if (progress.NameFound) deltas.Add(Header(_reader.Name!));
        if (progress.Arguments.Length > 0) deltas.Add(ArgumentsPiece(progress.Arguments));
        return deltas;
    }

    /// <summary>What is left to send when the choice finishes, and its finish_reason.</summary>
    public (IReadOnlyList<ChatDeltaDto> Deltas, string FinishReason) Finish(FinishReason reason)
    {
        string rest = _reader.Finish(reason);
        if (!_reader.Recognised)
        {
            string text = _reader.Text;
            return (text.Length > 0 ? [new ChatDeltaDto(null, text)] : [], ToolCallAnswer.FinishReasonOf(reason, recognised: false));
        }
        return (rest.Length > 0 ? [ArgumentsPiece(rest)] : [], ToolCallAnswer.FinishReasonOf(reason, recognised: true));
    }

    private ChatDeltaDto Header(string name) =>
        new(null, null, [new ToolCallDeltaDto(0, _id, "function", new FunctionCallDeltaDto(name, ""))]);

    private static ChatDeltaDto ArgumentsPiece(string arguments) =>
        new(null, null, [new ToolCallDeltaDto(0, null, null, new FunctionCallDeltaDto(null, arguments))]);
}
