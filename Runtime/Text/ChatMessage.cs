namespace QwenVL.Runtime.Text;

/// <summary>One turn of a conversation: a role ("system", "user", "assistant", "tool": a tool's result) and its content parts.</summary>
public sealed record ChatMessage(string Role, IReadOnlyList<ChatContentPart> Content)
{
    public static ChatMessage FromText(string role, string text) => new(role, [new TextPart(text)]);
}
