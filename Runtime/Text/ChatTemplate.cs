using System.Text;

namespace QwenVL.Runtime.Text;

/// <summary>
/// Qwen2-VL's ChatML prompt format: what the Jinja template in chat_template.json produces,
/// written out in C# (without add_vision_id and video parts, which nothing here sends). Tool results (role "tool")
/// follow Qwen2.5's template, which Qwen2-VL's lacks: consecutive ones share one user turn, each inside
/// <c>&lt;tool_response&gt;</c> tags (the tool definitions and calls are text, see <see cref="ToolPrompt"/>).
/// </summary>
public static class ChatTemplate
{
    public const string DefaultSystemPrompt = "You are a helpful assistant.";
    public const string ImagePlaceholder = "<|vision_start|><|image_pad|><|vision_end|>";

    private const string TurnStart = "<|im_start|>";
    private const string TurnEnd = "<|im_end|>\n";
    private const string ToolRole = "tool";

    /// <summary>
    /// The prompt text for <paramref name="messages"/>. A default system turn comes first unless the
    /// first message is a system message; with <paramref name="addGenerationPrompt"/> the text ends by
    /// opening the assistant's turn.
    /// </summary>
    public static string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prompt = new StringBuilder();
        if (messages.Count > 0 && messages[0].Role != "system")
            prompt.Append(TurnStart).Append("system\n").Append(DefaultSystemPrompt).Append(TurnEnd);

        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.Role == ToolRole)
            {
                if (i == 0 || messages[i - 1].Role != ToolRole) prompt.Append(TurnStart).Append("user");
                prompt.Append("\n<tool_response>\n");
                AppendContent(prompt, message.Content);
                prompt.Append("\n</tool_response>");
                if (i == messages.Count - 1 || messages[i + 1].Role != ToolRole) prompt.Append(TurnEnd);
                continue;
            }
            prompt.Append(TurnStart).Append(message.Role).Append('\n');
            AppendContent(prompt, message.Content);
            prompt.Append(TurnEnd);
        }

        if (addGenerationPrompt) prompt.Append(TurnStart).Append("assistant\n");
        return prompt.ToString();
    }

    private static void AppendContent(StringBuilder prompt, IReadOnlyList<ChatContentPart> content)
    {
        foreach (var part in content)
        {
            switch (part)
            {
                case TextPart text:
                    prompt.Append(text.Text);
                    break;
                case ImagePart:
                    prompt.Append(ImagePlaceholder);
                    break;
                default:
                    throw new ArgumentException($"content part {part.GetType().Name} has no place in the template", nameof(content));
            }
        }
    }
}
