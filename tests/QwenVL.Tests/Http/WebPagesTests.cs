using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using QwenVL.Http.Apis;
using Xunit;

namespace QwenVL.Tests.Http;

/// <summary>The browser pages and their files, served from the assembly: types, caching, 404s, --disable-frontend, --api-key.</summary>
public class WebPagesTests
{
    private const string Key = "sk-page-123";

    [Fact]
    public async Task Root_serves_the_chat_page_as_html()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        using var response = await server.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<!doctype html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("/web/chat.js", html, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("/web/chat.js", "text/javascript")]
    [InlineData("/web/sse.js", "text/javascript")]
    [InlineData("/web/markdown.js", "text/javascript")]
    [InlineData("/web/style.css", "text/css")]
    [InlineData("/web/index.html", "text/html")]
    public async Task Web_files_carry_their_content_type(string path, string mediaType)
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        using var response = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_file_the_client_holds_is_304_by_its_entity_tag()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        using var first = await server.Client.GetAsync("/web/chat.js");
        var tag = first.Headers.ETag;
        Assert.NotNull(tag);
        Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/web/chat.js");
        request.Headers.IfNoneMatch.Add(tag);
        using var second = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Theory]
    [InlineData("/web/nothing.js")]
    [InlineData("/web/")]
    [InlineData("/web/%2E%2E/QwenVL.Http.dll")]
    [InlineData("/web/..%2FQwenVL.Http.dll")]
    [InlineData("/web/..%2F..%2Fconfig%2Fakka.hocon")]
    [InlineData("/web/%2e%2e%5cindex.html")]
    [InlineData("/web//etc/passwd")]
    public async Task Unknown_paths_and_traversal_are_404(string path)
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Client.BaseAddress + path.TrimStart('/'), UriKind.Absolute));
        using var response = await server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Dashboard_is_404_without_its_file()
    {
        var assets = WebAssets.FromFiles(new Dictionary<string, byte[]> { ["index.html"] = "<!doctype html>"u8.ToArray() });
        Assert.False(assets.TryGet(WebPagesApi.DashboardPage, out _));
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.NotFound>(WebPagesApi.Serve(assets, WebPagesApi.DashboardPage, context));
    }

    [Fact]
    public async Task Disable_frontend_removes_every_page_route_and_keeps_the_api()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(), o => o with { DisableFrontend = true });
        foreach (string path in new[] { "/", "/dashboard", "/web/chat.js", "/web/style.css" })
        {
            using var page = await server.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        }
        using var models = await server.Client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [Fact]
    public async Task With_an_api_key_the_pages_open_without_it_and_v1_still_wants_it()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(), o => o with { ApiKey = Key });
        using (var page = await server.Client.GetAsync("/"))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        using (var script = await server.Client.GetAsync("/web/api.js"))
            Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        using (var models = await server.Client.GetAsync("/v1/models"))
            Assert.Equal(HttpStatusCode.Unauthorized, models.StatusCode);
        server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using (var models = await server.Client.GetAsync("/v1/models"))
            Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [Fact]
    public async Task Pages_stay_out_of_the_openapi_document()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying());
        using var doc = JsonDocument.Parse(await server.Client.GetStringAsync("/openapi.json"));
        var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/models", paths);
        Assert.DoesNotContain(paths, p => p == "/" || p.StartsWith("/web", StringComparison.Ordinal) || p == "/dashboard");
    }

    [Fact]
    public void Every_embedded_file_is_found_under_its_slash_separated_path()
    {
        var assets = WebAssets.FromAssembly(typeof(WebPagesApi).Assembly);
        Assert.Contains(WebPagesApi.ChatPage, assets.Paths);
        Assert.All(assets.Paths, p => Assert.DoesNotContain('\\', p));
        Assert.True(assets.TryGet("chat.js", out var script));
        Assert.Equal("text/javascript; charset=utf-8", script.ContentType);
    }
}
