namespace QwenVL.Runtime.Vision;

/// <summary>
/// An image of a request could not be loaded or prepared; the message says why (refused source, failed fetch, bytes
/// that are not an image). <see cref="Field"/> names the request field that held it, once that is known.
/// </summary>
public sealed class ImageInputException(string message, string? field = null) : Exception(message)
{
    public string? Field { get; } = field;
}
