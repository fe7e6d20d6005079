using Akka.TestKit.Xunit2;
using QwenVL.Actors;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Actors;

/// <summary>The real request, scheduler and engine actors over the CPU executor and the tiny fixture.</summary>
public class ReplicaTests() : TestKit(ActorTestConfig.Hocon)
{
    private static readonly SamplingParams Greedy12 = new() { Temperature = 0, MaxTokens = 12, MinTokens = 12, Logprobs = true };

    [Fact]
    public async Task Text_request_streams_the_reference_greedy_tokens_and_ends_with_a_summary()
    {
        using var replica = new ReplicaHarness(Sys);
        var chat = TinyReference.Instance.Chat("text_hello");
        var result = await replica.RunAsync(ReplicaHarness.ReferenceChat(chat, Greedy12));
        Assert.IsType<PromptAccepted>(result.Events[0]);
        Assert.Equal(chat.GreedyTokens, result.TokenIds());
        Assert.Equal(chat.GreedyText, result.Text());
        var summary = Assert.IsType<CompletionFinished>(result.Last);
        Assert.Equal(chat.InputIds.Length, summary.PromptTokens);
        Assert.Equal(12, summary.CompletionTokens);
        Assert.Equal(FinishReason.Length, result.Reason());
    }

    [Fact]
    public async Task Batching_never_changes_results_at_temperature_zero()
    {
        using var replica = new ReplicaHarness(Sys, maxNumBatchedTokens: 96);
        var chats = TinyReference.Instance.Chats;
        var alone = new Dictionary<string, int[]>();
        foreach (var chat in chats) alone[chat.Name] = (await replica.RunAsync(ReplicaHarness.ReferenceChat(chat, Greedy12))).TokenIds();

        var together = await Task.WhenAll(chats.Concat(chats.Take(3)).Select(c => replica.RunAsync(ReplicaHarness.ReferenceChat(c, Greedy12))));
        var names = chats.Concat(chats.Take(3)).Select(c => c.Name).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            Assert.Equal(alone[names[i]], together[i].TokenIds());
            Assert.Equal(TinyReference.Instance.Chat(names[i]).GreedyTokens, together[i].TokenIds());
        }
        await AssertAllBlocksFree(replica);
    }

    [Fact]
    public async Task Client_that_stops_reading_aborts_the_request_and_frees_its_blocks()
    {
        using var replica = new ReplicaHarness(Sys);
        using var cts = new CancellationTokenSource();
        var request = ReplicaHarness.Chat("Tell me a long story.", new SamplingParams { Temperature = 0, MaxTokens = 2000, IgnoreEos = true });
        int seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var e in replica.Service.GenerateAsync(request, cts.Token))
                if (e is TextDelta && ++seen == 3) cts.Cancel();
        });
        await AssertAllBlocksFree(replica);
    }

    [Fact]
    public async Task Stop_string_ends_the_choice_without_the_stop_text()
    {
        using var replica = new ReplicaHarness(Sys);
        var chat = TinyReference.Instance.Chat("text_hello");
        var full = (await replica.RunAsync(ReplicaHarness.ReferenceChat(chat, Greedy12))).Text();
        var stop = full.Substring(10, 3);
        var result = await replica.RunAsync(ReplicaHarness.ReferenceChat(chat, Greedy12 with { MinTokens = 0, Stop = [stop] }));
        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], result.Text());
        Assert.Equal(FinishReason.Stop, result.Reason());
        await AssertAllBlocksFree(replica);
    }

    [Fact]
    public async Task N_choices_share_the_prompt_and_each_finish()
    {
        using var replica = new ReplicaHarness(Sys);
        var result = await replica.RunAsync(ReplicaHarness.Chat("Hi", new SamplingParams { Temperature = 1, MaxTokens = 5, N = 3, Seed = 11 }));
        Assert.Equal(3, result.Events.OfType<ChoiceFinished>().Count());
        Assert.Equal(15, Assert.IsType<CompletionFinished>(result.Last).CompletionTokens);
        await AssertAllBlocksFree(replica);
    }

    [Fact]
    public async Task Prompt_longer_than_the_context_fails_before_running()
    {
        using var replica = new ReplicaHarness(Sys);
        var result = await replica.RunAsync(ReplicaHarness.Chat(string.Concat(Enumerable.Repeat("word ", 5000)), new SamplingParams()));
        var failed = Assert.IsType<CompletionFailed>(Assert.Single(result.Events));
        Assert.Equal(FailureKind.PromptTooLong, failed.Kind);
        Assert.Contains("4096", failed.Message);
    }

    [Fact]
    public async Task Bad_image_fails_the_request_with_an_invalid_request_error()
    {
        using var replica = new ReplicaHarness(Sys);
        var request = new GenerateRequest("bad", new ChatPrompt(
            [new QwenVL.Runtime.Text.ChatMessage("user", [new QwenVL.Runtime.Text.ImagePart("data:image/png;base64,AAAA")])],
            [new QwenVL.Runtime.Vision.ImageInput("data:image/png;base64,AAAA", "messages[0].content[0]")]), new SamplingParams());
        var failed = Assert.IsType<CompletionFailed>(Assert.Single((await replica.RunAsync(request)).Events));
        Assert.Equal(FailureKind.InvalidRequest, failed.Kind);
    }

    private static async Task AssertAllBlocksFree(ReplicaHarness replica)
    {
        var status = (await replica.Service.GetStatusAsync(default)).Scheduler;
        for (int i = 0; i < 50 && (status.FreeBlocks != status.TotalBlocks || status.Running + status.Waiting > 0); i++)
        {
            await Task.Delay(20);
            status = (await replica.Service.GetStatusAsync(default)).Scheduler;
        }
        Assert.Equal(status.TotalBlocks, status.FreeBlocks);
        Assert.Equal(0, status.Running + status.Waiting);
        Assert.Equal(0, replica.Executor.CachedImageCount);
    }
}
