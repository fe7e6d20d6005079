namespace QwenVL.Runtime.Vision;

/// <summary>
/// Where image bytes may come from and how much of them the server accepts. The defaults follow vLLM: remote
/// http(s) URLs are fetched, local files are refused until a directory is allowed (--allowed-local-media-path).
/// </summary>
public sealed record ImageSourcePolicy
{
    public const long DefaultMaxImageBytes = 20L << 20;

    /// <summary>Fetch http:// and https:// URLs; off with --disable-remote-media.</summary>
    public bool AllowRemote { get; init; } = true;

    /// <summary>The one directory whose files (after resolving links and "..") may be read; null refuses all local files.</summary>
    public string? AllowedLocalMediaPath { get; init; }

    /// <summary>The whole fetch of one remote image, from connecting to the last byte.</summary>
    public TimeSpan FetchTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most encoded bytes one image may have, from any source; downloads stop as soon as they pass it.</summary>
    public long MaxImageBytes { get; init; } = DefaultMaxImageBytes;

    /// <summary>The most pixels one image may declare in its header; checked before any pixel memory is allocated.</summary>
    public long MaxImagePixels { get; init; } = ImageDecoder.DefaultMaxPixels;

    /// <summary>How many HTTP redirects one fetch may follow.</summary>
    public int MaxRedirects { get; init; } = 5;
}
