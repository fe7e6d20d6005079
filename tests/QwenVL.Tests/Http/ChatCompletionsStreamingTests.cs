using System.Net;
using System.Text.Json;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Generation;
using Xunit;

namespace QwenVL.Tests.Http;

/// <summary>stream=true on /v1/chat/completions through a real server: OpenAI's server-sent events, exactly.</summary>
public class ChatCompletionsStreamingTests
{
    /// <summary>A request body: one user message and <paramref name="fields"/>.</summary>
    private static string Body(string fields) => """{"messages":[{"role":"user","content":"Hi"}],""" + fields + "}";

    /// <summary>The data of each event, in order; every event must be exactly one "data: " line.</summary>
    private static async Task<List<string>> EventsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("\n\n", body);
        var events = body[..^2].Split("\n\n");
        foreach (var e in events)
        {
            Assert.StartsWith("data: ", e);
            Assert.DoesNotContain('\n', e);
        }
        return events.Select(e => e["data: ".Length..]).ToList();
    }

    private static JsonElement Parse(string data) => JsonDocument.Parse(data).RootElement;

    [Fact]
    public async Task Stream_sends_role_chunk_deltas_finish_chunk_usage_chunk_and_done()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(EdgeFixtures.OneChoice()));
        using var response = await server.PostStreamingAsync("/v1/chat/completions",
            Body(""" "model":"tiny","stream":true,"stream_options":{"include_usage":true}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await EventsAsync(response);
        Assert.Equal(6, events.Count);

        var role = Parse(events[0]);
        Assert.Equal("chat.completion.chunk", role.GetProperty("object").GetString());
        Assert.StartsWith("chatcmpl-", role.GetProperty("id").GetString());
        Assert.Equal("tiny", role.GetProperty("model").GetString());
        var roleChoice = role.GetProperty("choices")[0];
        Assert.Equal(0, roleChoice.GetProperty("index").GetInt32());
        Assert.Equal("""{"role":"assistant","content":""}""", roleChoice.GetProperty("delta").GetRawText());
        Assert.Equal(JsonValueKind.Null, roleChoice.GetProperty("finish_reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, roleChoice.GetProperty("logprobs").ValueKind);
        Assert.False(role.TryGetProperty("usage", out _));

        Assert.Equal("""{"content":"Hello"}""", Parse(events[1]).GetProperty("choices")[0].GetProperty("delta").GetRawText());
        Assert.Equal("""{"content":" world"}""", Parse(events[2]).GetProperty("choices")[0].GetProperty("delta").GetRawText());

        var finish = Parse(events[3]).GetProperty("choices")[0];
        Assert.Equal("{}", finish.GetProperty("delta").GetRawText());
        Assert.Equal("stop", finish.GetProperty("finish_reason").GetString());

        var usage = Parse(events[4]);
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.Equal("""{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}""", usage.GetProperty("usage").GetRawText());

        Assert.Equal("[DONE]", events[5]);
        // Every chunk of one answer carries the same id.
        Assert.Single(events.SkipLast(1).Select(e => Parse(e).GetProperty("id").GetString()).Distinct());
    }

    [Fact]
    public async Task Stream_without_include_usage_has_no_usage_chunk()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(EdgeFixtures.OneChoice()));
        using var response = await server.PostStreamingAsync("/v1/chat/completions", Body(""" "stream":true"""));
        var events = await EventsAsync(response);
        Assert.Equal(5, events.Count);
        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events.SkipLast(1), e => Assert.Equal(1, Parse(e).GetProperty("choices").GetArrayLength()));
        // A request without a model name is answered under the first served name.
        Assert.Equal("tiny", Parse(events[0]).GetProperty("model").GetString());
    }

    [Fact]
    public async Task Stream_of_two_choices_opens_both_first_and_keeps_their_indexes()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(EdgeFixtures.TwoChoices()));
        using var response = await server.PostStreamingAsync("/v1/chat/completions", Body(""" "stream":true,"n":2"""));
        var events = await EventsAsync(response);
        var choices = events.SkipLast(1).Select(e => Parse(e).GetProperty("choices")[0]).ToList();
        Assert.Equal([0, 1], choices.Take(2).Select(c => c.GetProperty("index").GetInt32()));
        Assert.All(choices.Take(2), c => Assert.Equal("assistant", c.GetProperty("delta").GetProperty("role").GetString()));
        string Text(int index) => string.Concat(choices.Where(c => c.GetProperty("index").GetInt32() == index)
            .Select(c => c.GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal("Hello world", Text(0));
        Assert.Equal("Bye now", Text(1));
        var reasons = choices.Where(c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
            .ToDictionary(c => c.GetProperty("index").GetInt32(), c => c.GetProperty("finish_reason").GetString());
        Assert.Equal("stop", reasons[0]);
        Assert.Equal("length", reasons[1]);
    }

    [Fact]
    public async Task Stream_with_logprobs_puts_each_deltas_tokens_in_its_chunk()
    {
        await using var server = await EdgeServer.StartAsync(FakeCompletionService.Replying(EdgeFixtures.OneChoice()));
        using var response = await server.PostStreamingAsync("/v1/chat/completions",
            Body(""" "stream":true,"logprobs":true,"top_logprobs":2"""));
        var events = await EventsAsync(response);
        var content = Parse(events[1]).GetProperty("choices")[0].GetProperty("logprobs").GetProperty("content");
        Assert.Equal(1, content.GetArrayLength());
        var token = content[0];
        Assert.Equal(EdgeFixtures.Token("Hello").Logprob, token.GetProperty("logprob").GetSingle());
        Assert.Equal("Hello", token.GetProperty("token").GetString());
        Assert.Equal("Hello"u8.ToArray().Select(b => (int)b), token.GetProperty("bytes").EnumerateArray().Select(b => b.GetInt32()));
        Assert.Equal(2, token.GetProperty("top_logprobs").GetArrayLength());
    }

    [Fact]
    public async Task Failure_after_streaming_began_ends_with_an_error_object_and_done()
    {
        var fake = FakeCompletionService.Replying(new PromptAccepted(3), EdgeFixtures.Delta(0, "Hel"),
            new CompletionFailed(FailureKind.Internal, "engine crashed"));
        await using var server = await EdgeServer.StartAsync(fake);
        using var response = await server.PostStreamingAsync("/v1/chat/completions", Body(""" "stream":true"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = await EventsAsync(response);
        Assert.Equal(4, events.Count);
        var error = Parse(events[2]).GetProperty("error");
        Assert.Equal("engine crashed", error.GetProperty("message").GetString());
        Assert.Equal(500, error.GetProperty("code").GetInt32());
        Assert.Equal("[DONE]", events[3]);
    }

    [Fact]
    public async Task Client_disconnect_mid_stream_cancels_the_request()
    {
        var fake = new FakeCompletionService((_, ct) =>
            FakeCompletionService.ThenHang([new PromptAccepted(3), EdgeFixtures.Delta(0, "Hello")], ct));
        await using var server = await EdgeServer.StartAsync(fake);
        using (var response = await server.PostStreamingAsync("/v1/chat/completions", Body(""" "stream":true""")))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            // The chunks written so far arrive while the request is still running.
            while (await reader.ReadLineAsync() is { } line)
                if (line.Contains("Hello", StringComparison.Ordinal)) break;
            Assert.False(fake.Cancelled.Task.IsCompleted);
        }
        await fake.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await fake.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Finished_request_disposes_the_service_stream_without_cancelling_it()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await using var server = await EdgeServer.StartAsync(fake);
        using var response = await server.PostStreamingAsync("/v1/chat/completions", Body(""" "stream":true"""));
        await EventsAsync(response);
        await fake.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(fake.Cancelled.Task.IsCompleted);
    }

    [Theory]
    [InlineData(FailureKind.InvalidRequest, 400, "BadRequestError")]
    [InlineData(FailureKind.PromptTooLong, 400, "BadRequestError")]
    [InlineData(FailureKind.Overloaded, 503, "ServiceUnavailableError")]
    [InlineData(FailureKind.Internal, 500, "InternalServerError")]
    public async Task Refusal_as_first_event_is_a_json_error_with_its_status_even_when_streaming(FailureKind kind, int status, string type)
    {
        var message = kind == FailureKind.PromptTooLong
            ? "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens in the messages."
            : "refused";
        var fake = FakeCompletionService.Replying(new CompletionFailed(kind, message, "messages"));
        await using var server = await EdgeServer.StartAsync(fake);
        using var response = await server.PostStreamingAsync("/v1/chat/completions", Body(""" "stream":true"""));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = Parse(await response.Content.ReadAsStringAsync()).GetProperty("error");
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Equal(status, error.GetProperty("code").GetInt32());
    }
}
