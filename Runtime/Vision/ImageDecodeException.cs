namespace QwenVL.Runtime.Vision;

/// <summary>The bytes could not be turned into an image; the message says why (empty, not an image, truncated, too large).</summary>
public sealed class ImageDecodeException(string message) : Exception(message);
