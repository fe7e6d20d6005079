using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace QwenVL.Runtime.Hub;

/// <summary>
/// The few Hub HTTP calls a download needs, as huggingface_hub makes them: the model-info API for a revision's
/// commit and files, a HEAD on <c>resolve/</c> for a file's etag, size and location, and a ranged GET of its bytes.
/// Every failure becomes a <see cref="HubException"/>: no answer is <see cref="HubFailure.Unreachable"/>.
/// </summary>
internal sealed class HubClient : IDisposable
{
    private const int MaxRedirects = 10;
    private readonly HttpClient _http;
    private readonly HubOptions _options;
    private readonly Uri _endpoint;

    public HubClient(HubOptions options, HttpMessageHandler? handler = null)
    {
        _options = options;
        _endpoint = new Uri(options.Endpoint.TrimEnd('/') + "/");
        // Redirects are followed by hand: a HEAD must see the Hub's own headers on its redirect to the CDN, and the
        // token must not travel to another host.
        handler ??= new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.RequestTimeout,
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("qwenvl/0.1");
    }

    public string Endpoint => _options.Endpoint;
    public bool SendsToken => _options.Token != null;

    /// <summary>GET /api/models/{repo}/revision/{revision}?blobs=true: the commit and every file with its size and hashes.</summary>
    public async Task<RepoRevision> GetRevisionAsync(RepoId repo, string revision, CancellationToken cancellationToken)
    {
        var url = new Uri(_endpoint, $"api/models/{repo}/revision/{Uri.EscapeDataString(revision)}?blobs=true");
        using var timeout = TimeoutSource(cancellationToken);
        try
        {
            using var response = await SendAsync(HttpMethod.Get, url, 0, followAbsolute: true, timeout.Token);
            if (!response.IsSuccessStatusCode) throw HubResponseErrors.For(response, Endpoint, repo, revision, null, SendsToken);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            return ParseRevision(body, repo, revision);
        }
        catch (Exception e) when (IsNoAnswer(e, cancellationToken))
        {
            throw Unreachable($"model info of '{repo}'", e);
        }
    }

    /// <summary>
    /// HEAD resolve/{commit}/{path} with <c>Accept-Encoding: identity</c> (so sizes are real). Only relative redirects
    /// are followed (a renamed repository); an absolute one is the CDN location of an LFS file, whose etag and size
    /// come in X-Linked-Etag and X-Linked-Size.
    /// </summary>
    public async Task<RemoteFile> GetFileAsync(RepoId repo, string commit, string path, CancellationToken cancellationToken)
    {
        var url = ResolveUrl(repo, commit, path);
        using var timeout = TimeoutSource(cancellationToken);
        try
        {
            using var response = await SendAsync(HttpMethod.Head, url, 0, followAbsolute: false, timeout.Token);
            bool redirect = (int)response.StatusCode is >= 300 and < 400;
            if (!response.IsSuccessStatusCode && !redirect) throw HubResponseErrors.For(response, Endpoint, repo, commit, path, SendsToken);
            var etag = NormalizeEtag(Header(response, "X-Linked-Etag") ?? Header(response, "ETag"));
            var size = Header(response, "X-Linked-Size") ?? (redirect ? null : response.Content.Headers.ContentLength?.ToString(CultureInfo.InvariantCulture));
            var fileCommit = Header(response, "X-Repo-Commit");
            var location = redirect && response.Headers.Location is { } target ? new Uri(response.RequestMessage!.RequestUri!, target) : response.RequestMessage!.RequestUri!;
            if (etag == null || fileCommit == null || !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes))
                throw new HubException(HubFailure.BadResponse,
                    $"{Endpoint} sent no ETag, X-Repo-Commit or size for '{path}' of '{repo}': is HF_ENDPOINT a Hugging Face Hub (or a proxy that drops headers)?");
            return new RemoteFile(path, etag, bytes, fileCommit, location);
        }
        catch (Exception e) when (IsNoAnswer(e, cancellationToken))
        {
            throw Unreachable($"'{path}' of '{repo}'", e);
        }
    }

    /// <summary>
    /// GET of the file's bytes from <paramref name="offset"/> on (a Range request when resuming); the answer once its
    /// headers are in, every redirect followed. The caller checks the status and reads the body.
    /// </summary>
    public async Task<HttpResponseMessage> GetContentAsync(RemoteFile file, long offset, CancellationToken cancellationToken)
    {
        using var timeout = TimeoutSource(cancellationToken);
        try
        {
            return await SendAsync(HttpMethod.Get, file.Location, offset, followAbsolute: true, timeout.Token);
        }
        catch (Exception e) when (IsNoAnswer(e, cancellationToken))
        {
            throw Unreachable($"'{file.Path}'", e);
        }
    }

    private Uri ResolveUrl(RepoId repo, string revision, string path)
    {
        var escapedPath = string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
        return new Uri(_endpoint, $"{repo}/resolve/{Uri.EscapeDataString(revision)}/{escapedPath}");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri url, long offset, bool followAbsolute, CancellationToken cancellationToken)
    {
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, url);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
            // The token goes to the Hub only; a CDN's signed URL needs none and must not see it.
            if (_options.Token != null && url.Authority == _endpoint.Authority)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            bool redirect = (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location != null;
            if (!redirect || hop == MaxRedirects) return response;
            var target = response.Headers.Location!;
            if (target.IsAbsoluteUri && !followAbsolute) return response;
            response.Dispose();
            url = new Uri(url, target);
        }
    }

    private static RepoRevision ParseRevision(byte[] body, RepoId repo, string revision)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            var commit = root.TryGetProperty("sha", out var sha) && sha.ValueKind == JsonValueKind.String ? sha.GetString()! : null;
            if (commit == null || !HubCache.IsCommitHash(commit))
                throw new HubException(HubFailure.BadResponse, $"the model info of '{repo}' at '{revision}' has no commit id (\"sha\")");
            var files = new List<RepoFile>();
            if (root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array)
            {
                foreach (var sibling in siblings.EnumerateArray())
                {
                    if (String(sibling, "rfilename") is not { } path) continue;
                    var lfs = sibling.TryGetProperty("lfs", out var l) && l.ValueKind == JsonValueKind.Object ? l : default;
                    long? size = lfs.ValueKind == JsonValueKind.Object ? Number(lfs, "size") : Number(sibling, "size");
                    files.Add(new RepoFile(path, size ?? Number(sibling, "size"), String(sibling, "blobId"),
                        lfs.ValueKind == JsonValueKind.Object ? String(lfs, "sha256") : null));
                }
            }
            return new RepoRevision(commit, files);
        }
        catch (JsonException e)
        {
            throw new HubException(HubFailure.BadResponse, $"the model info of '{repo}' at '{revision}' is not JSON: {e.Message}", e);
        }

        static string? String(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        static long? Number(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : null;
    }

    /// <summary>huggingface_hub's _normalize_etag: drops a weak-validator prefix and the quotes.</summary>
    internal static string? NormalizeEtag(string? etag)
    {
        if (etag == null) return null;
        if (etag.StartsWith("W/", StringComparison.Ordinal)) etag = etag[2..];
        etag = etag.Trim('"');
        return etag.Length == 0 ? null : etag;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private CancellationTokenSource TimeoutSource(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(_options.RequestTimeout);
        return source;
    }

    /// <summary>No answer at all: the connection failed, or the timeout (not the caller) cancelled the request.</summary>
    private static bool IsNoAnswer(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException { StatusCode: null } or IOException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private HubException Unreachable(string what, Exception e)
    {
        string reason = e is OperationCanceledException ? $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s" : e.Message;
        return new HubException(HubFailure.Unreachable, $"cannot reach {Endpoint} for {what}: {reason}", e);
    }

    public void Dispose() => _http.Dispose();
}
