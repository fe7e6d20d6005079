using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using QwenVL.Actors.Messages;
using QwenVL.Http.Apis;
using QwenVL.Http.Metrics;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Text;
using QwenVL.Tests.Text;
using Xunit;

namespace QwenVL.Tests.Http;

/// <summary>The chat completions handler called directly, with a scripted completion service.</summary>
public class ChatCompletionsHandlerTests
{
    private static ChatCompletionRequest Request(string json) =>
        JsonSerializer.Deserialize(json, ProtocolJson.Context.ChatCompletionRequest)!;

    private static Task<Microsoft.AspNetCore.Http.HttpResults.Results<Ok<ChatCompletionResponse>, ServerSentEventsResult<string>, JsonHttpResult<ErrorResponse>>> Call(
        FakeCompletionService fake, string json, ServingMetrics? metrics = null) =>
        ChatCompletionsApi.CreateChatCompletion(Request(json), EdgeFixtures.Services(fake, metrics), CancellationToken.None);

    [Fact]
    public async Task Two_choices_with_logprobs_are_gathered_into_one_chat_completion()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.TwoChoices());
        var result = await Call(fake, """{"model":"tiny-alias","messages":[{"role":"user","content":"Hi"}],"n":2,"logprobs":true,"top_logprobs":2}""");

        var response = Assert.IsType<Ok<ChatCompletionResponse>>(result.Result).Value!;
        Assert.Equal("chat.completion", response.Object);
        Assert.StartsWith("chatcmpl-", response.Id);
        Assert.Equal("tiny-alias", response.Model);
        Assert.Equal(2, response.Choices.Count);
        Assert.Equal("Hello world", response.Choices[0].Message.Content);
        Assert.Equal("assistant", response.Choices[0].Message.Role);
        Assert.Equal("stop", response.Choices[0].FinishReason);
        Assert.Equal("Bye now", response.Choices[1].Message.Content);
        Assert.Equal("length", response.Choices[1].FinishReason);
        Assert.Equal(new UsageDto(7, 4, 11), response.Usage);

        var logprobs = response.Choices[1].Logprobs!.Content;
        // Each delta carries the first token of its text (EdgeFixtures.Delta).
        Assert.Equal(new[] { "Bye", " now" }.Select(t => SharedTokenizer.Instance.Decode([EdgeFixtures.Token(t).TokenId])), logprobs.Select(t => t.Token));
        Assert.All(logprobs, t => Assert.Equal(2, t.TopLogprobs.Count));
        Assert.Equal(EdgeFixtures.Token(" now").Logprob, logprobs[1].Logprob);
        Assert.Equal(" now"u8.ToArray().Select(b => (int)b), logprobs[1].Bytes);
    }

    [Fact]
    public async Task Without_logprobs_the_choices_carry_none()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        var result = await Call(fake, """{"messages":[{"role":"user","content":"Hi"}]}""");
        var response = Assert.IsType<Ok<ChatCompletionResponse>>(result.Result).Value!;
        Assert.Null(response.Choices[0].Logprobs);
        Assert.Equal("tiny", response.Model);
    }

    [Fact]
    public async Task The_service_gets_the_parsed_messages_images_and_sampling_over_the_model_defaults()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        await Call(fake, """
            {"messages":[{"role":"system","content":"Be brief."},
                         {"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}},{"type":"text","text":"What is it?"}]}],
             "max_tokens":5,"seed":11,"stop":["END"],"skip_special_tokens":false,"include_stop_str_in_output":true}
            """);

        var request = Assert.Single(fake.Requests);
        var prompt = Assert.IsType<ChatPrompt>(request.Prompt);
        Assert.Equal(["system", "user"], prompt.Messages.Select(m => m.Role));
        Assert.Equal("What is it?", Assert.IsType<TextPart>(prompt.Messages[1].Content[1]).Text);
        var image = Assert.Single(prompt.Images);
        Assert.Equal("https://example.com/a.png", image.Url);
        Assert.Equal("messages[1].content[0]", image.Field);
        // The tiny fixture's generation_config.json: temperature 0.01, top_k 1, top_p 0.001.
        Assert.Equal(0.01, request.Sampling.Temperature);
        Assert.Equal(1, request.Sampling.TopK);
        Assert.Equal(0.001, request.Sampling.TopP);
        Assert.Equal(5, request.Sampling.MaxTokens);
        Assert.Equal(11, request.Sampling.Seed);
        Assert.Equal(["END"], request.Sampling.Stop);
        Assert.False(request.SkipSpecialTokens);
        Assert.True(request.IncludeStopStringInOutput);
        Assert.StartsWith("chatcmpl-", request.RequestId);
    }

    [Theory]
    [InlineData(FailureKind.InvalidRequest, 400)]
    [InlineData(FailureKind.PromptTooLong, 400)]
    [InlineData(FailureKind.Overloaded, 503)]
    [InlineData(FailureKind.Internal, 500)]
    public async Task A_refusal_maps_to_its_status(FailureKind kind, int status)
    {
        var fake = FakeCompletionService.Replying(new CompletionFailed(kind, "no", "messages"));
        var result = await Call(fake, """{"messages":[{"role":"user","content":"Hi"}]}""");
        var error = Assert.IsType<JsonHttpResult<ErrorResponse>>(result.Result);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(new ErrorInfo("no", error.Value!.Error.Type, "messages", status), error.Value.Error);
        await fake.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_failure_after_acceptance_is_the_answer_of_a_non_streaming_request()
    {
        var fake = FakeCompletionService.Replying(new PromptAccepted(3), EdgeFixtures.Delta(0, "Hel"), new CompletionFailed(FailureKind.Internal, "engine lost"));
        var result = await Call(fake, """{"messages":[{"role":"user","content":"Hi"}]}""");
        var error = Assert.IsType<JsonHttpResult<ErrorResponse>>(result.Result);
        Assert.Equal(500, error.StatusCode);
        Assert.Equal("engine lost", error.Value!.Error.Message);
    }

    [Fact]
    public async Task A_service_that_throws_becomes_an_internal_failure()
    {
        var fake = new FakeCompletionService((_, _) => Throwing());
        var result = await Call(fake, """{"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(500, Assert.IsType<JsonHttpResult<ErrorResponse>>(result.Result).StatusCode);

        static async IAsyncEnumerable<CompletionEvent> Throwing()
        {
            await Task.Yield();
            throw new InvalidOperationException("actor system down");
#pragma warning disable CS0162 // an iterator needs a yield
            yield break;
#pragma warning restore CS0162
        }
    }

    [Fact]
    public async Task A_stream_that_ends_without_a_final_event_becomes_an_internal_failure()
    {
        var fake = FakeCompletionService.Replying(new PromptAccepted(3), EdgeFixtures.Delta(0, "Hel"));
        var result = await Call(fake, """{"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal(500, Assert.IsType<JsonHttpResult<ErrorResponse>>(result.Result).StatusCode);
    }

    [Fact]
    public async Task Latencies_are_measured_from_the_event_stream()
    {
        var metrics = new ServingMetrics();
        await Call(FakeCompletionService.Replying(EdgeFixtures.TwoChoices()), """{"messages":[{"role":"user","content":"Hi"}],"n":2}""", metrics);
        Assert.Equal(1, metrics.TimeToFirstToken.Snapshot().Count);
        Assert.Equal(3, metrics.InterTokenLatency.Snapshot().Count);
        Assert.Equal(1, metrics.EndToEndLatency.Snapshot().Count);
        Assert.Equal(1, metrics.Finished(QwenVL.Runtime.Generation.FinishReason.Stop));
        Assert.Equal(1, metrics.Finished(QwenVL.Runtime.Generation.FinishReason.Length));
    }

    [Fact]
    public async Task Called_directly_with_an_invalid_body_the_handler_throws_before_reaching_the_service()
    {
        var fake = FakeCompletionService.Replying(EdgeFixtures.OneChoice());
        var e = await Assert.ThrowsAsync<InvalidRequestException>(() => Call(fake, """{"messages":[{"role":"user","content":"Hi"}],"top_p":0}"""));
        Assert.Equal("top_p", e.Param);
        Assert.Empty(fake.Requests);
    }
}
