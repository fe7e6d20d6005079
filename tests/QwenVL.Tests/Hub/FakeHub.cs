using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace QwenVL.Tests.Hub;

/// <summary>A request the fake Hub saw: enough to check what the client asked for and whether it sent its token.</summary>
public sealed record FakeHubRequest(string Method, string Path, string? Range, string? Authorization);

/// <summary>
/// A fake Hugging Face Hub on 127.0.0.1 at a free port (Kestrel), serving <see cref="FakeHubRepo"/> through the
/// endpoints the client uses: the model-info API with siblings (size, blobId, lfs), HEAD/GET on
/// <c>resolve/{revision}/{path}</c> with X-Repo-Commit and ETag (LFS files: a 302 to <c>/cdn/{sha256}</c> with
/// X-Linked-Etag and X-Linked-Size), and ranged GETs. Switches make it cut, corrupt or refuse downloads; every
/// request is recorded. Dispose stops it.
/// </summary>
public sealed class FakeHub : IAsyncDisposable
{
    private static readonly TimeSpan StartStopTimeout = TimeSpan.FromSeconds(20);
    private readonly WebApplication _app;
    private int _cutDownloads;
    private int _corruptDownloads;

    private FakeHub(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";
    public ConcurrentQueue<FakeHubRequest> Requests { get; } = new();

    /// <summary>A private repository: every request without <c>Authorization: Bearer</c> this token gets 401 RepoNotFound.</summary>
    public string? PrivateToken { get; set; }
    /// <summary>A gated repository: its info is public, its files need this token (401 GatedRepo without one, 403 with another).</summary>
    public string? GatedToken { get; set; }
    /// <summary>Every request answers 503.</summary>
    public bool Down { get; set; }
    /// <summary>Ranges are ignored: every GET sends the whole file with 200.</summary>
    public bool IgnoreRange { get; set; }
    /// <summary>Every GET with a Range gets 503, so a broken download cannot resume.</summary>
    public bool RefuseRanges { get; set; }

    /// <summary>The next <paramref name="count"/> blob downloads send half of what they promise, then drop the connection.</summary>
    public void CutNextDownloads(int count) => Volatile.Write(ref _cutDownloads, count);

    /// <summary>The next <paramref name="count"/> blob downloads have one byte flipped.</summary>
    public void CorruptNextDownloads(int count) => Volatile.Write(ref _corruptDownloads, count);

    /// <summary>The GETs of file contents (resolve of git files, the CDN for LFS ones), in order.</summary>
    public IReadOnlyList<FakeHubRequest> Downloads =>
        Requests.Where(r => r.Method == "GET" && (r.Path.StartsWith("/cdn/", StringComparison.Ordinal) || r.Path.Contains("/resolve/", StringComparison.Ordinal))).ToList();

    public static async Task<FakeHub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var hub = new FakeHub(app);
        app.Use(async (context, next) =>
        {
            var headers = context.Request.Headers;
            hub.Requests.Enqueue(new FakeHubRequest(context.Request.Method, context.Request.Path.Value ?? "",
                headers.Range.Count > 0 ? headers.Range.ToString() : null, headers.Authorization.Count > 0 ? headers.Authorization.ToString() : null));
            if (hub.Down)
            {
                context.Response.StatusCode = 503;
                return;
            }
            await next(context);
        });
        app.MapMethods("/api/models/{owner}/{name}/revision/{revision}", ["GET"], (RequestDelegate)hub.ModelInfoAsync);
        app.MapMethods("/{owner}/{name}/resolve/{revision}/{**path}", ["GET", "HEAD"], (RequestDelegate)hub.ResolveAsync);
        app.MapMethods("/cdn/{sha256}", ["GET"], (RequestDelegate)hub.CdnAsync);
        using var timeout = new CancellationTokenSource(StartStopTimeout);
        await app.StartAsync(timeout.Token);
        hub.Endpoint = app.Urls.First().TrimEnd('/');
        return hub;
    }

    private async Task ModelInfoAsync(HttpContext context)
    {
        if (!FindRepo(context) || !Authorized(context, forFiles: false) || !FindCommit(context, out var commit)) return;
        var siblings = new JsonArray();
        foreach (var file in FakeHubRepo.Files.Values.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            var sibling = new JsonObject { ["rfilename"] = file.Path, ["size"] = file.Content.Length, ["blobId"] = file.BlobId };
            if (file.IsLfs) sibling["lfs"] = new JsonObject { ["sha256"] = file.Sha256, ["size"] = file.Content.Length, ["pointerSize"] = 134 };
            siblings.Add(sibling);
        }
        var info = new JsonObject
        {
            ["_id"] = "fake", ["id"] = FakeHubRepo.Id, ["modelId"] = FakeHubRepo.Id, ["sha"] = commit, ["private"] = PrivateToken != null,
            ["gated"] = GatedToken != null ? "manual" : false, ["siblings"] = siblings,
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(info.ToJsonString());
    }

    private async Task ResolveAsync(HttpContext context)
    {
        if (!FindRepo(context) || !Authorized(context, forFiles: true) || !FindCommit(context, out var commit)) return;
        var path = (string)context.Request.RouteValues["path"]!;
        var response = context.Response;
        response.Headers["X-Repo-Commit"] = commit;
        if (!FakeHubRepo.Files.TryGetValue(path, out var file))
        {
            Error(context, 404, "EntryNotFound");
            return;
        }
        if (file.IsLfs)
        {
            // As the Hub does: a redirect to the CDN, the LFS object's etag and size in the X-Linked headers.
            response.StatusCode = 302;
            response.Headers.Location = $"{Endpoint}/cdn/{file.Sha256}";
            response.Headers.ETag = $"\"{file.BlobId}\"";
            response.Headers["X-Linked-Etag"] = $"\"{file.Sha256}\"";
            response.Headers["X-Linked-Size"] = file.Content.Length.ToString(CultureInfo.InvariantCulture);
            return;
        }
        response.Headers.ETag = $"\"{file.BlobId}\"";
        await SendAsync(context, file, countsAsBlob: false);
    }

    private async Task CdnAsync(HttpContext context)
    {
        var sha256 = (string)context.Request.RouteValues["sha256"]!;
        var file = FakeHubRepo.Files.Values.FirstOrDefault(f => f.IsLfs && f.Sha256 == sha256);
        if (file == null)
        {
            context.Response.StatusCode = 404;
            return;
        }
        await SendAsync(context, file, countsAsBlob: true);
    }

    /// <summary>The file from the requested offset (206 with Content-Range), whole (200), or broken as the switches say.</summary>
    private async Task SendAsync(HttpContext context, FakeHubFile file, bool countsAsBlob)
    {
        var response = context.Response;
        long offset = 0;
        var range = context.Request.Headers.Range.ToString();
        if (RefuseRanges && range.Length > 0)
        {
            response.StatusCode = 503;
            return;
        }
        if (!IgnoreRange && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-')
            && long.TryParse(range["bytes=".Length..^1], NumberStyles.None, CultureInfo.InvariantCulture, out long from) && from < file.Content.Length)
        {
            offset = from;
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {offset}-{file.Content.Length - 1}/{file.Content.Length}";
        }
        response.ContentType = "application/octet-stream";
        response.ContentLength = file.Content.Length - offset;
        if (HttpMethods.IsHead(context.Request.Method)) return;

        var body = file.Content.AsMemory((int)offset);
        if (countsAsBlob && TakeOne(ref _corruptDownloads))
        {
            var corrupt = body.ToArray();
            corrupt[corrupt.Length / 2] ^= 0xFF;
            body = corrupt;
        }
        if (countsAsBlob && TakeOne(ref _cutDownloads))
        {
            await response.Body.WriteAsync(body[..(body.Length / 2)], context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
            // Time for the client to read what was sent: an abort resets the connection, which drops unread bytes.
            await Task.Delay(200, context.RequestAborted);
            context.Abort();
            return;
        }
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static bool FindRepo(HttpContext context)
    {
        var values = context.Request.RouteValues;
        if ($"{values["owner"]}/{values["name"]}" == FakeHubRepo.Id) return true;
        Error(context, 404, "RepoNotFound");
        return false;
    }

    private static bool FindCommit(HttpContext context, out string commit)
    {
        commit = FakeHubRepo.Commit;
        var revision = (string)context.Request.RouteValues["revision"]!;
        if (revision is "main" or FakeHubRepo.Tag or FakeHubRepo.Commit) return true;
        Error(context, 404, "RevisionNotFound");
        return false;
    }

    private bool Authorized(HttpContext context, bool forFiles)
    {
        var sent = context.Request.Headers.Authorization.ToString();
        if (PrivateToken != null && sent != $"Bearer {PrivateToken}")
        {
            Error(context, 401, "RepoNotFound", "Repository not found");
            return false;
        }
        if (forFiles && GatedToken != null && sent != $"Bearer {GatedToken}")
        {
            Error(context, sent.Length == 0 ? 401 : 403, "GatedRepo", "Access to model qwen-test/qwen2vl-tiny is restricted.");
            return false;
        }
        return true;
    }

    private static void Error(HttpContext context, int status, string code, string? message = null)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["X-Error-Code"] = code;
        if (message != null) context.Response.Headers["X-Error-Message"] = message;
    }

    private static bool TakeOne(ref int remaining)
    {
        while (true)
        {
            int current = Volatile.Read(ref remaining);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref remaining, current - 1, current) == current) return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(StartStopTimeout);
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
