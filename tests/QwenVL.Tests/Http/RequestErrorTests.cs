using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using QwenVL.Runtime.Vision;
using Xunit;
using QwenVL.Http.Configuration;

namespace QwenVL.Tests.Http;

/// <summary>Bad requests through a real server: OpenAI's error shape, the right status, the field named, the service untouched.</summary>
public class RequestErrorTests
{
    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = doc.RootElement.GetProperty("error").Clone();
        Assert.Equal(status, error.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
        Assert.True(error.TryGetProperty("param", out _));
        return error;
    }

    private static string? Param(JsonElement error) => error.GetProperty("param").GetString();

    [Theory]
    [InlineData("""{bad""", null, "not valid JSON")]
    [InlineData("""[]""", null, "object")]
    [InlineData("""null""", null, "JSON object")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"temperature":"hot"}""", "temperature", "number")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"n":"two"}""", "n", "integer")]
    [InlineData("""{"messages":"Hi"}""", "messages", "array")]
    [InlineData("""{"messages":[]}""", "messages", "messages")]
    [InlineData("""{"model":"tiny"}""", "messages", "messages")]
    [InlineData("""{"messages":[{"role":"robot","content":"Hi"}]}""", "messages[0].role", "robot")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"video","video":"x"}]}]}""", "messages[0].content[0].type", "video")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image_url","image_url":"https://x/a.png"}]}]}""", "messages[0].content[0].image_url", "object")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"temperature":-1}""", "temperature", "temperature")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"top_p":0}""", "top_p", "top_p")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"n":0}""", "n", "n")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"max_tokens":0}""", "max_tokens", "max_tokens")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"stop":5}""", "stop", "stop")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"top_logprobs":3}""", "top_logprobs", "logprobs")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"logprobs":true,"top_logprobs":21}""", "top_logprobs", "top_logprobs")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"mm_processor_kwargs":{"min_pixels":-1}}""", "mm_processor_kwargs.min_pixels", "positive")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}],"stream_options":{"include_usage":true}}""", "stream_options", "stream=True")]
    public async Task Bad_chat_request_is_400_naming_the_field_and_never_reaches_the_service(string body, string? param, string says)
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake);
        using var response = await server.PostJsonAsync("/v1/chat/completions", body);
        var error = await ErrorOf(response, 400);
        Assert.Equal(param, Param(error));
        Assert.Contains(says, error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("BadRequestError", error.GetProperty("type").GetString());
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task More_images_than_the_server_allows_is_400()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        var images = ImageInputOptions.Default with { Limits = new MultimodalLimits(1) };
        await using var server = await EdgeServer.StartAsync(fake, model: EdgeFixtures.Model(images));
        var part = """{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}""";
        using var response = await server.PostJsonAsync("/v1/chat/completions",
            $$"""{"messages":[{"role":"user","content":[{{part}},{{part}}]}]}""");
        var error = await ErrorOf(response, 400);
        Assert.Equal("messages", Param(error));
        Assert.Empty(fake.Requests);
    }

    [Theory]
    [InlineData("/v1/chat/completions", """{"model":"gpt-4","messages":[{"role":"user","content":"Hi"}]}""")]
    [InlineData("/v1/completions", """{"model":"gpt-4","prompt":"Hi"}""")]
    [InlineData("/tokenize", """{"model":"gpt-4","prompt":"Hi"}""")]
    [InlineData("/detokenize", """{"model":"gpt-4","tokens":[1]}""")]
    public async Task Unknown_model_is_404_in_vllms_words(string path, string body)
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake);
        using var response = await server.PostJsonAsync(path, body);
        var error = await ErrorOf(response, 404);
        Assert.Equal("The model `gpt-4` does not exist.", error.GetProperty("message").GetString());
        Assert.Equal("NotFoundError", error.GetProperty("type").GetString());
        Assert.Equal("model", Param(error));
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_with_content_length()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake, o => o with { MaxRequestBodyBytes = 1024 });
        var text = new string('a', 2048);
        using var response = await server.PostJsonAsync("/v1/chat/completions", $$"""{"messages":[{"role":"user","content":"{{text}}"}]}""");
        var error = await ErrorOf(response, 413);
        Assert.Contains("larger", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Chunked_body_over_the_limit_is_413()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake, o => o with { MaxRequestBodyBytes = 1024 });
        var text = new string('a', 2048);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($$"""{"messages":[{"role":"user","content":"{{text}}"}]}""")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await server.Client.SendAsync(request);
        await ErrorOf(response, 413);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Body_within_the_limit_is_served()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake, o => o with { MaxRequestBodyBytes = 1024 });
        using var response = await server.PostJsonAsync("/v1/chat/completions", """{"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Body_that_is_not_json_is_415()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(EdgeFixtures.OneChoice()));
        using var response = await server.Client.PostAsync("/v1/chat/completions", new StringContent("messages=hi", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await ErrorOf(response, 415);
    }

    [Fact]
    public async Task Unknown_route_is_404_and_wrong_method_405_in_openai_shape()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(EdgeFixtures.OneChoice()));
        using (var response = await server.Client.GetAsync("/v1/nothing-here")) await ErrorOf(response, 404);
        using (var response = await server.Client.GetAsync("/v1/chat/completions")) await ErrorOf(response, 405);
    }

    [Fact]
    public async Task Handler_bug_is_500_in_openai_shape_not_an_html_page()
    {
        // A service that breaks the contract: an index past the request's choices makes the edge throw.
        var fake = FakeCompletionService.Replying(new global::QwenVL.Actors.Messages.PromptAccepted(1), EdgeFixtures.Delta(5, "x"),
            new global::QwenVL.Actors.Messages.CompletionFinished(1, 1, 0));
        await using var server = await EdgeServer.StartAsync(fake);
        using var response = await server.PostJsonAsync("/v1/chat/completions", """{"messages":[{"role":"user","content":"Hi"}]}""");
        var error = await ErrorOf(response, 500);
        Assert.Equal("InternalServerError", error.GetProperty("type").GetString());
    }
}
