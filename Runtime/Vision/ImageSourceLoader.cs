using System.Buffers;
using System.Net;

namespace QwenVL.Runtime.Vision;

/// <summary>
/// The encoded bytes behind an image URL of a request: a base64 data URL, an http(s) URL, or a local file
/// (file:// URL or absolute path) inside the allowed directory, each under <see cref="ImageSourcePolicy"/>.
/// Every refusal and failure is an <see cref="ImageInputException"/> naming the reason. One loader serves many
/// requests at once: it holds the HTTP connection pool.
/// </summary>
public sealed class ImageSourceLoader : IDisposable
{
    private const int ReadChunkBytes = 81920;

    private readonly HttpClient _http;
    private readonly LocalMediaDirectory? _localMedia;

    public ImageSourcePolicy Policy { get; }

    public ImageSourceLoader(ImageSourcePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.FetchTimeout <= TimeSpan.Zero) throw new ArgumentException("FetchTimeout must be positive", nameof(policy));
        if (policy.MaxImageBytes <= 0) throw new ArgumentException("MaxImageBytes must be positive", nameof(policy));
        if (policy.MaxImagePixels <= 0) throw new ArgumentException("MaxImagePixels must be positive", nameof(policy));
        if (policy.MaxRedirects < 0) throw new ArgumentException("MaxRedirects must not be negative", nameof(policy));
        Policy = policy;
        _localMedia = policy.AllowedLocalMediaPath is { } path ? new LocalMediaDirectory(path) : null;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = policy.MaxRedirects > 0,
            MaxAutomaticRedirections = Math.Max(1, policy.MaxRedirects),
            // The size cap applies to the decompressed stream, so a small gzip body cannot expand past it.
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = policy.FetchTimeout,
        })
        {
            // Each fetch runs under its own token with FetchTimeout, which also covers reading the body.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task<byte[]> LoadAsync(string url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (DataUrl.Matches(url)) return DataUrl.Decode(url, Policy.MaxImageBytes);
        if (Path.IsPathFullyQualified(url)) return await ReadLocalFileAsync(url, cancellationToken);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
            throw new ImageInputException($"'{Shorten(url)}' is not a URL (use http(s)://, data:image/...;base64, or file://)");
        return uri.Scheme switch
        {
            "http" or "https" => await FetchAsync(uri, cancellationToken),
            "file" => await ReadLocalFileAsync(LocalPathOf(uri), cancellationToken),
            _ => throw new ImageInputException(
                $"URL scheme '{uri.Scheme}' is not supported: the URL must be either a HTTP, data or file URL"),
        };
    }

    private async Task<byte[]> FetchAsync(Uri uri, CancellationToken cancellationToken)
    {
        // Errors show the URL without user info and query, which may hold credentials or signed tokens.
        string shown = Shorten(uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped));
        if (!Policy.AllowRemote)
            throw new ImageInputException($"cannot fetch {shown}: remote images are disabled on this server (--disable-remote-media)");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Policy.FetchTimeout);
        try
        {
            using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            int status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
                throw new ImageInputException(
                    $"fetching {shown} failed: HTTP {status} ({response.ReasonPhrase}) after following at most {Policy.MaxRedirects} redirects");
            if (!response.IsSuccessStatusCode)
                throw new ImageInputException($"fetching {shown} failed: HTTP {status} ({response.ReasonPhrase})");
            if (response.Content.Headers.ContentLength is long declared && declared > Policy.MaxImageBytes)
                throw TooLarge(shown, declared);
            await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
            return await ReadCappedAsync(body, shown, deadline.Token);
        }
        catch (Exception e) when ((e is OperationCanceledException or HttpRequestException or IOException)
                                  && !cancellationToken.IsCancellationRequested)
        {
            // A read cut short by the deadline may surface as an I/O error rather than as a cancellation.
            throw new ImageInputException(deadline.IsCancellationRequested
                ? $"fetching {shown} timed out after {Policy.FetchTimeout.TotalSeconds:0.###} s"
                : $"fetching {shown} failed: {e.Message}");
        }
    }

    private async Task<byte[]> ReadLocalFileAsync(string path, CancellationToken cancellationToken)
    {
        if (_localMedia == null)
            throw new ImageInputException("Cannot load local files without `--allowed-local-media-path`.");
        // Opens the resolved path, so the links checked are not followed a second time. A link created inside the
        // directory between the check and the open could still lead out; only the directory's owner can make one.
        string real = _localMedia.Resolve(path);
        if (Directory.Exists(real)) throw new ImageInputException($"{path} is a directory, not an image file");
        try
        {
            await using var file = new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
            if (file.Length > Policy.MaxImageBytes) throw TooLarge(path, file.Length);
            return await ReadCappedAsync(file, path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ImageInputException($"file not found: {path}");
        }
        catch (UnauthorizedAccessException)
        {
            throw new ImageInputException($"cannot read {path}: permission denied");
        }
        catch (IOException e)
        {
            throw new ImageInputException($"cannot read {path}: {e.Message}");
        }
    }

    private static string LocalPathOf(Uri uri)
    {
        if (uri.Host.Length == 0) return uri.LocalPath;
        if (!uri.IsLoopback)
            throw new ImageInputException($"file URL {Shorten(uri.OriginalString)} names host '{uri.Host}'; only local files can be read");
        // file://localhost/x is /x; LocalPath would make it the UNC path \\localhost\x.
        return Uri.UnescapeDataString(uri.AbsolutePath);
    }

    /// <summary>Reads to the end, stopping as soon as the bytes pass MaxImageBytes (a length header may be absent or lie).</summary>
    private async Task<byte[]> ReadCappedAsync(Stream source, string shown, CancellationToken cancellationToken)
    {
        long limit = Policy.MaxImageBytes;
        using var buffer = new MemoryStream();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ReadChunkBytes);
        try
        {
            int read;
            while ((read = await source.ReadAsync(chunk.AsMemory(0, ReadChunkBytes), cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit) throw TooLarge(shown, size: null);
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    private ImageInputException TooLarge(string shown, long? size) => new(size is long bytes
        ? $"{shown} is too large: {bytes} bytes, more than the limit of {Policy.MaxImageBytes} bytes per image"
        : $"{shown} is too large: more than the limit of {Policy.MaxImageBytes} bytes per image");

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";

    public void Dispose() => _http.Dispose();
}
