using Xunit;
using QwenVL.Bench.Load;

namespace QwenVL.Tests.Bench;

/// <summary>Reading server-sent events and timing the chunks of a streamed chat completion.</summary>
public class BenchServeStreamTests
{
    private static async Task<List<string>> ReadAll(string stream)
    {
        var events = new List<string>();
        await foreach (var data in ServerSentEvents.ReadDataAsync(new StringReader(stream))) events.Add(data);
        return events;
    }

    [Fact]
    public async Task Events_join_their_data_lines_and_skip_comments_other_fields_and_blank_lines()
    {
        var events = await ReadAll("data: a\n\n: keep-alive\ndata: b\ndata: c\n\nevent: x\nid: 7\ndata:d\n\n\n\ndata\n\n");
        Assert.Equal(["a", "b\nc", "d", ""], events);
    }

    [Fact]
    public async Task Crlf_lines_read_as_lf_lines_and_an_unterminated_last_event_is_kept()
    {
        var events = await ReadAll("data: {\"x\":1}\r\n\r\ndata: [DONE]");
        Assert.Equal(["{\"x\":1}", "[DONE]"], events);
    }

    private static string Content(string text) =>
        $$"""{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"{{text}}"},"finish_reason":null}]}""";

    private const string RoleChunk = """{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""";
    private const string FinishChunk = """{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}""";
    private const string UsageChunk = """{"id":"c","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}""";

    [Fact]
    public void First_content_chunk_is_the_first_token_and_later_ones_give_the_inter_token_gaps()
    {
        var meter = new ChatStreamMeter(5);
        meter.Accept(RoleChunk, 0.05);
        meter.Accept(Content("Hel"), 0.10);
        meter.Accept(Content("lo"), 0.13);
        meter.Accept(Content("!"), 0.18);
        meter.Accept(FinishChunk, 0.19);
        meter.Accept(UsageChunk, 0.20);
        meter.Accept("[DONE]", 0.21);
        Assert.True(meter.IsDone);
        var outcome = meter.Finish(0.22);

        Assert.True(outcome.Success, outcome.Error);
        Assert.Equal(5, outcome.Index);
        Assert.Equal(0.10, outcome.TtftSeconds, 12);
        Assert.Equal([0.03, 0.05], outcome.ItlSeconds.Select(g => Math.Round(g, 12)));
        // The latency ends at [DONE], not when the client got round to closing the stream.
        Assert.Equal(0.21, outcome.LatencySeconds, 12);
        Assert.Equal(7, outcome.PromptTokens);
        Assert.Equal(3, outcome.OutputTokens);
    }

    [Fact]
    public void Without_a_usage_chunk_the_content_chunks_are_counted_as_tokens()
    {
        var meter = new ChatStreamMeter(0);
        meter.Accept(Content("a"), 0.1);
        meter.Accept(Content("b"), 0.2);
        meter.Accept("[DONE]", 0.3);
        var outcome = meter.Finish(0.3);
        Assert.True(outcome.Success);
        Assert.Equal(2, outcome.OutputTokens);
        Assert.Equal(0, outcome.PromptTokens);
    }

    [Fact]
    public void Error_object_in_the_stream_fails_the_request_with_its_message()
    {
        var meter = new ChatStreamMeter(0);
        meter.Accept(Content("a"), 0.1);
        meter.Accept("""{"error":{"message":"the engine stopped","type":"InternalServerError","param":null,"code":500}}""", 0.2);
        Assert.True(meter.HasFailed);
        meter.Accept("[DONE]", 0.3);
        var outcome = meter.Finish(0.3);
        Assert.False(outcome.Success);
        Assert.Contains("the engine stopped", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Stream_that_ends_before_done_fails()
    {
        var meter = new ChatStreamMeter(0);
        meter.Accept(Content("a"), 0.1);
        var outcome = meter.Finish(0.2);
        Assert.False(outcome.Success);
        Assert.Contains("[DONE]", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(0.2, outcome.LatencySeconds);
    }

    [Fact]
    public void Chunk_that_is_not_json_fails_the_request_and_shows_the_chunk()
    {
        var meter = new ChatStreamMeter(0);
        meter.Accept("<html>oops</html>", 0.1);
        var outcome = meter.Finish(0.1);
        Assert.False(outcome.Success);
        Assert.Contains("<html>oops</html>", outcome.Error, StringComparison.Ordinal);
    }
}
