using System.Text;

namespace QwenVL.Runtime.Text;

/// <summary>A function call of an assistant turn, as it goes back into the prompt: the name and its JSON arguments.</summary>
public sealed record ToolCallText(string Name, string Arguments);

/// <summary>
/// The tool-calling text of Qwen2.5's published chat template (Hermes style), which Qwen2-VL's own template lacks:
/// the tool definitions in the system turn, the assistant's calls in <c>&lt;tool_call&gt;</c> tags. Tool results
/// (role "tool") are wrapped by <see cref="ChatTemplate"/>, which groups consecutive ones into one user turn.
/// </summary>
public static class ToolPrompt
{
    public const string ToolsHeader =
        "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
        "You are provided with function signatures within <tools></tools> XML tags:\n<tools>";

    public const string ToolsFooter =
        "\n</tools>\n\nFor each function call, return a json object with function name and arguments within " +
        "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>";

    /// <summary>
    /// The text that follows the system prompt when tools are offered: each tool's definition (the request's
    /// <c>{"type": "function", "function": {...}}</c> object, JSON text) on a line of its own, as <c>tojson</c> writes it.
    /// </summary>
    public static string ToolsBlock(IReadOnlyList<string> toolDefinitions)
    {
        ArgumentNullException.ThrowIfNull(toolDefinitions);
        var text = new StringBuilder(ToolsHeader);
        foreach (var tool in toolDefinitions) text.Append('\n').Append(PythonJson.DumpsText(tool));
        return text.Append(ToolsFooter).ToString();
    }

    /// <summary>
    /// The system message carrying the tools: the conversation's own system message (its first message) with the
    /// block appended, else the default system prompt with it, placed first.
    /// </summary>
    public static IReadOnlyList<ChatMessage> WithTools(IReadOnlyList<ChatMessage> messages, IReadOnlyList<string> toolDefinitions)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var block = new TextPart(ToolsBlock(toolDefinitions));
        if (messages.Count > 0 && messages[0].Role == "system")
            return [messages[0] with { Content = [.. messages[0].Content, block] }, .. messages.Skip(1)];
        return [new ChatMessage("system", [new TextPart(ChatTemplate.DefaultSystemPrompt), block]), .. messages];
    }

    /// <summary>
    /// An assistant turn's calls, written after its content: each one <c>&lt;tool_call&gt;\n{"name": ..., "arguments":
    /// ...}\n&lt;/tool_call&gt;</c>, on a new line unless it opens a turn without content.
    /// </summary>
    public static string ToolCalls(IReadOnlyList<ToolCallText> calls, bool afterContent)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var text = new StringBuilder();
        for (int i = 0; i < calls.Count; i++)
        {
            if (i > 0 || afterContent) text.Append('\n');
            text.Append("<tool_call>\n{\"name\": \"").Append(calls[i].Name).Append("\", \"arguments\": ")
                .Append(PythonJson.DumpsText(calls[i].Arguments)).Append("}\n</tool_call>");
        }
        return text.ToString();
    }
}
