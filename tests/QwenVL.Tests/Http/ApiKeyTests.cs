using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Xunit;

namespace QwenVL.Tests.Http;

/// <summary>--api-key: /v1 routes want the bearer key; health, metrics and version stay open, as in vLLM.</summary>
public class ApiKeyTests
{
    private const string Key = "sk-test-123";
    private const string Body = """{"messages":[{"role":"user","content":"Hi"}]}""";

    private static async Task<HttpStatusCode> PostAsync(EdgeServer server, string path, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        if (authorization != null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await server.Client.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
            Assert.Equal(401, error.GetProperty("code").GetInt32());
            Assert.Equal("AuthenticationError", error.GetProperty("type").GetString());
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        return response.StatusCode;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("sk-test-123")]
    [InlineData("Basic c2stdGVzdC0xMjM=")]
    [InlineData("Bearer sk-test-1234")]
    public async Task V1_route_without_the_right_key_is_401_and_never_reaches_the_service(string? authorization)
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake, o => o with { ApiKey = Key });
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(server, "/v1/chat/completions", authorization));
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task V1_routes_answer_with_the_right_key()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake, o => o with { ApiKey = Key });
        Assert.Equal(HttpStatusCode.OK, await PostAsync(server, "/v1/chat/completions", "Bearer " + Key));
        server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var models = await server.Client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
    }

    [Fact]
    public async Task Models_list_wants_the_key_too()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(), o => o with { ApiKey = Key });
        using var response = await server.Client.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/metrics")]
    [InlineData("/version")]
    public async Task Server_routes_stay_open(string path)
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(), o => o with { ApiKey = Key });
        using var response = await server.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Without_a_key_configured_no_header_is_needed()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(EdgeFixtures.OneChoice()));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(server, "/v1/chat/completions", null));
    }
}
