namespace QwenVL.Runtime.Text;

/// <summary>One piece of a chat message's content, in the order the user wrote it.</summary>
public abstract record ChatContentPart;

/// <summary>Plain text, written into the prompt as is.</summary>
public sealed record TextPart(string Text) : ChatContentPart;

/// <summary>
/// An image; the prompt gets one vision placeholder for it. <see cref="MinPixels"/> and <see cref="MaxPixels"/> are
/// the bounds this part asked for itself (null: the request's or the server's apply).
/// </summary>
public sealed record ImagePart(string? Url = null, int? MinPixels = null, int? MaxPixels = null) : ChatContentPart;
