namespace QwenVL.Runtime.Vision;

/// <summary>
/// RFC 2397 data URLs holding an image: <c>data:image/png;base64,iVBOR...</c>. Only base64 payloads are taken, as in
/// vLLM; the media type must be an image type, but the bytes decide the format (a PNG labelled image/jpeg decodes).
/// </summary>
internal static class DataUrl
{
    private const string Prefix = "data:";

    public static bool Matches(string url) => url.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    public static byte[] Decode(string url, long maxBytes)
    {
        int comma = url.IndexOf(',');
        if (comma < 0)
            throw new ImageInputException("data URL has no ',' between its media type and its data");
        var header = url.AsSpan(Prefix.Length, comma - Prefix.Length);
        int firstSemicolon = header.IndexOf(';');
        var mediaType = firstSemicolon < 0 ? header : header[..firstSemicolon];
        // The encoding is the last parameter (data:image/png;charset=x;base64,...).
        var encoding = firstSemicolon < 0 ? [] : header[(header.LastIndexOf(';') + 1)..];
        if (!encoding.Equals("base64", StringComparison.OrdinalIgnoreCase))
            throw new ImageInputException("Only base64 data URLs are supported for now.");
        if (!mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            throw new ImageInputException(
                $"data URL media type '{Shorten(mediaType.ToString())}' is not an image type (expected image/...)");

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(url[(comma + 1)..]);
        }
        catch (FormatException)
        {
            throw new ImageInputException("data URL is not valid base64 (characters outside A-Z a-z 0-9 + / or bad '=' padding)");
        }
        // Checked after decoding: the text is already in memory and the bytes take less than it does.
        if (bytes.Length > maxBytes)
            throw new ImageInputException($"data URL holds {bytes.Length} bytes, more than the limit of {maxBytes} bytes");
        return bytes;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
