using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using QwenVL.Actors.Messages;
using QwenVL.Http.Apis;
using QwenVL.Http.Protocol;
using Xunit;

namespace QwenVL.Tests.Http;

/// <summary>/v1/completions: raw prompts (text or token ids) answered as text_completion objects, whole and streamed.</summary>
public class CompletionsApiTests
{
    private static CompletionRequest Request(string json) => JsonSerializer.Deserialize(json, ProtocolJson.Context.CompletionRequest)!;

    [Fact]
    public async Task Text_prompt_is_answered_with_a_text_completion_with_legacy_logprobs()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.TwoChoices());
        var result = await CompletionsApi.CreateCompletion(Request("""{"prompt":"Once upon","n":2,"logprobs":2}"""),
            EdgeFixtures.Services(fake), CancellationToken.None);

        var response = Assert.IsType<Ok<CompletionResponse>>(result.Result).Value!;
        Assert.Equal("text_completion", response.Object);
        Assert.StartsWith("cmpl-", response.Id);
        Assert.Equal(["Hello world", "Bye now"], response.Choices.Select(c => c.Text));
        Assert.Equal(["stop", "length"], response.Choices.Select(c => c.FinishReason));
        Assert.Equal(new UsageDto(7, 4, 11), response.Usage);
        var logprobs = response.Choices[0].Logprobs!;
        Assert.Equal(2, logprobs.Tokens.Count);
        Assert.Equal(0, logprobs.TextOffset[0]);
        Assert.Equal(logprobs.Tokens[0].Length, logprobs.TextOffset[1]);
        Assert.All(logprobs.TopLogprobs, top => Assert.Equal(2, top.Count));

        var request = Assert.Single(fake.Requests);
        Assert.Equal("Once upon", Assert.IsType<TextPrompt>(request.Prompt).Text);
        Assert.True(request.Sampling.Logprobs);
        Assert.Equal(2, request.Sampling.TopLogprobs);
        Assert.Equal(16, request.Sampling.MaxTokens);
    }

    [Fact]
    public async Task Token_id_prompt_reaches_the_service_as_token_ids()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await CompletionsApi.CreateCompletion(Request("""{"prompt":[9707,1879],"max_tokens":3}"""), EdgeFixtures.Services(fake), CancellationToken.None);
        var request = Assert.Single(fake.Requests);
        Assert.Equal([9707, 1879], Assert.IsType<TokenPrompt>(request.Prompt).TokenIds);
        Assert.Equal(3, request.Sampling.MaxTokens);
    }

    [Fact]
    public async Task Stream_sends_text_chunks_a_finish_chunk_usage_and_done()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(EdgeFixtures.OneChoice()));
        using var response = await server.PostStreamingAsync("/v1/completions",
            """{"model":"tiny","prompt":"Once","stream":true,"stream_options":{"include_usage":true}}""");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        var events = body.TrimEnd('\n').Split("\n\n").Select(e => e["data: ".Length..]).ToList();
        Assert.Equal(5, events.Count);
        JsonElement Choice(int i) => JsonDocument.Parse(events[i]).RootElement.GetProperty("choices")[0];
        Assert.Equal("""{"index":0,"text":"Hello","logprobs":null,"finish_reason":null}""", Choice(0).GetRawText());
        Assert.Equal(" world", Choice(1).GetProperty("text").GetString());
        Assert.Equal("""{"index":0,"text":"","logprobs":null,"finish_reason":"stop"}""", Choice(2).GetRawText());
        var usage = JsonDocument.Parse(events[3]).RootElement;
        Assert.Equal("text_completion", usage.GetProperty("object").GetString());
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal(9, usage.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        Assert.Equal("[DONE]", events[4]);
    }

    [Fact]
    public async Task Refusal_as_first_event_is_a_json_error()
    {
        var fake = FakeCompletionService.Replying(new CompletionFailed(FailureKind.PromptTooLong,
            "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens.", "prompt"));
        await using var server = await EdgeServer.StartAsync(fake);
        using var response = await server.PostJsonAsync("/v1/completions", """{"prompt":"Once","stream":true}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("maximum context length is 32768 tokens", doc.RootElement.GetProperty("error").GetProperty("message").GetString(),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{}""", "prompt")]
    [InlineData("""{"prompt":""}""", "prompt")]
    [InlineData("""{"prompt":[]}""", "prompt")]
    [InlineData("""{"prompt":["a","b"]}""", "prompt")]
    [InlineData("""{"prompt":[[1,2],[3]]}""", "prompt")]
    [InlineData("""{"prompt":[1,-2]}""", "prompt")]
    [InlineData("""{"prompt":[1,999999999]}""", "prompt")]
    [InlineData("""{"prompt":{"text":"a"}}""", "prompt")]
    [InlineData("""{"prompt":"a","echo":true}""", "echo")]
    [InlineData("""{"prompt":"a","logprobs":21}""", "logprobs")]
    [InlineData("""{"prompt":"a","temperature":-0.5}""", "temperature")]
    [InlineData("""{"prompt":"a","max_tokens":"many"}""", "max_tokens")]
    public async Task Bad_completion_request_is_400_naming_the_field(string body, string param)
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake);
        using var response = await server.PostJsonAsync("/v1/completions", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(param, doc.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Empty(fake.Requests);
    }
}
