using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using QwenVL.Runtime.Vision;
using Xunit;

namespace QwenVL.Tests.Vision;

/// <summary>Fetches from a server on 127.0.0.1 started by each test; nothing leaves the machine.</summary>
public class ImageSourceLoaderRemoteTests
{
    private static readonly byte[] Photo = TestImages.Bytes("photo_200x150.jpg");
    private const int Limit = 64 * 1024;
    private static readonly byte[] Oversized = new byte[3 * Limit];

    // Generous: two cores run the whole suite in parallel. The timeout tests lower it.
    private static readonly ImageSourcePolicy Policy = new() { FetchTimeout = TimeSpan.FromSeconds(10), MaxImageBytes = Limit, MaxRedirects = 2 };

    private static LoopbackImageServer StartServer() => new(new Dictionary<string, LoopbackImageServer.Route>
    {
        ["/photo.jpg"] = LoopbackImageServer.Respond(200, "OK", Photo),
        ["/photo-unsized.jpg"] = LoopbackImageServer.Respond(200, "OK", Photo, declareLength: false),
        ["/moved"] = LoopbackImageServer.Respond(302, "Found", [], location: "/photo.jpg"),
        ["/loop"] = LoopbackImageServer.Respond(302, "Found", [], location: "/loop"),
        ["/slow-headers"] = LoopbackImageServer.Stall(),
        ["/slow-body"] = LoopbackImageServer.Stall("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\nGIF89a"),
        ["/huge-declared"] = LoopbackImageServer.Respond(200, "OK", Oversized),
        ["/huge-streamed"] = LoopbackImageServer.Respond(200, "OK", Oversized, declareLength: false),
        ["/broken"] = LoopbackImageServer.Respond(500, "Internal Server Error", "boom"u8.ToArray()),
    });

    [Theory]
    [InlineData("/photo.jpg")]
    [InlineData("/photo-unsized.jpg")]
    [InlineData("/moved")]
    public async Task Served_image_arrives_byte_for_byte(string path)
    {
        await using var server = StartServer();
        using var loader = new ImageSourceLoader(Policy);

        Assert.Equal(Photo, await loader.LoadAsync(server.Url(path), default));
    }

    [Theory]
    [InlineData("/slow-headers")]
    [InlineData("/slow-body")]
    public async Task Slow_server_runs_into_the_fetch_timeout(string path)
    {
        await using var server = StartServer();
        using var loader = new ImageSourceLoader(Policy with { FetchTimeout = TimeSpan.FromMilliseconds(500) });
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(server.Url(path), default));

        Assert.Contains($"fetching {server.Url(path)} timed out after 0.5 s", e.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("/huge-declared", "is too large: 196608 bytes, more than the limit of 65536 bytes per image")]
    [InlineData("/huge-streamed", "is too large: more than the limit of 65536 bytes per image")]
    public async Task Download_past_the_byte_limit_is_refused(string path, string reason)
    {
        await using var server = StartServer();
        using var loader = new ImageSourceLoader(Policy);

        var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(server.Url(path), default));

        Assert.Contains(reason, e.Message);
    }

    [Theory]
    [InlineData("/missing.png", "failed: HTTP 404 (Not Found)")]
    [InlineData("/broken", "failed: HTTP 500 (Internal Server Error)")]
    [InlineData("/loop", "failed: HTTP 302 (Found) after following at most 2 redirects")]
    public async Task Unsuccessful_status_is_named(string path, string reason)
    {
        await using var server = StartServer();
        using var loader = new ImageSourceLoader(Policy);

        var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(server.Url(path), default));

        Assert.Contains(reason, e.Message);
        Assert.Contains(server.Url(path), e.Message);
    }

    [Fact]
    public async Task Refused_connection_is_reported_as_a_failed_fetch()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var loader = new ImageSourceLoader(Policy);

        var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync($"http://127.0.0.1:{port}/a.png", default));

        Assert.StartsWith($"fetching http://127.0.0.1:{port}/a.png failed:", e.Message);
    }

    [Fact]
    public async Task Remote_urls_are_refused_when_remote_media_is_disabled()
    {
        await using var server = StartServer();
        using var loader = new ImageSourceLoader(Policy with { AllowRemote = false });

        var e = await Assert.ThrowsAsync<ImageInputException>(() => loader.LoadAsync(server.Url("/photo.jpg"), default));

        Assert.Contains("remote images are disabled on this server (--disable-remote-media)", e.Message);
        Assert.Equal(Photo.Length, (await loader.LoadAsync(TestImages.DataUrl(Photo, "image/jpeg"), default)).Length);
    }

    [Fact]
    public async Task Cancelling_the_caller_ends_a_stalled_fetch_as_a_cancellation()
    {
        await using var server = StartServer();
        using var loader = new ImageSourceLoader(Policy with { FetchTimeout = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loader.LoadAsync(server.Url("/slow-headers"), cancel.Token));
    }
}
