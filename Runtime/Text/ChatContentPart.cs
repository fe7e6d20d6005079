namespace QwenVL.Runtime.Text;

/// <summary>One piece of a chat message's content, in the order the user wrote it.</summary>
public abstract record ChatContentPart;

/// <summary>Plain text, written into the prompt as is.</summary>
public sealed record TextPart(string Text) : ChatContentPart;

/// <summary>An image; the prompt gets one vision placeholder for it.</summary>
public sealed record ImagePart(string? Url = null) : ChatContentPart;
