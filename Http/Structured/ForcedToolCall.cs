namespace QwenVL.Http.Structured;

/// <summary>
/// A tool call the request forces. Named (<see cref="Function"/> set): the output is that function's arguments
/// object. Required (<see cref="Function"/> null): the output is <c>{"name": one of <see cref="ToolNames"/>,
/// "arguments": that tool's arguments}</c>. Either way the answer carries it as message.tool_calls.
/// </summary>
public sealed record ForcedToolCall(string? Function, IReadOnlyList<string> ToolNames)
{
    public bool IsNamed => Function != null;
}

/// <summary>
/// What a request's tools and tool_choice come to: the forced call (null: plain text), the constraint it puts on the
/// output, and the tool definitions (JSON text) the prompt's system turn lists: only when a call is forced.
/// </summary>
public sealed record ToolRequest(ForcedToolCall? Forced, OutputConstraint? Constraint, IReadOnlyList<string> PromptTools)
{
    public static ToolRequest None { get; } = new(null, null, []);
}
