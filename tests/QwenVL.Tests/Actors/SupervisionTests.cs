using Akka.TestKit.Xunit2;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Sampling;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Actors;

public class SupervisionTests() : TestKit(ActorTestConfig.Hocon)
{
    [Fact]
    public async Task Executor_failure_fails_in_flight_requests_and_the_restarted_engine_serves_the_next()
    {
        var executor = new FailingExecutor(TinyModel.NewExecutor(256), step => step == 3);
        using var replica = new ReplicaHarness(Sys, executor: executor);
        var sampling = new SamplingParams { Temperature = 0, MaxTokens = 20, IgnoreEos = true };
        var failed = await Task.WhenAll(replica.RunAsync(ReplicaHarness.Chat("one", sampling)), replica.RunAsync(ReplicaHarness.Chat("two", sampling)));
        foreach (var r in failed)
        {
            var error = Assert.IsType<CompletionFailed>(r.Last);
            Assert.Equal(FailureKind.Internal, error.Kind);
            Assert.Contains("simulated device fault", error.Message);
        }
        var after = await replica.RunAsync(ReplicaHarness.Chat("three", sampling));
        Assert.IsType<CompletionFinished>(after.Last);
        var status = (await replica.Service.GetStatusAsync(default)).Scheduler;
        Assert.Equal(status.TotalBlocks, status.FreeBlocks);
    }

    [Fact]
    public async Task Full_waiting_queue_rejects_with_overloaded()
    {
        using var replica = new ReplicaHarness(Sys, maxNumSeqs: 1, maxNumBatchedTokens: 64, maxWaiting: 1);
        var sampling = new SamplingParams { Temperature = 0, MaxTokens = 30, IgnoreEos = true };
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => replica.RunAsync(ReplicaHarness.Chat($"request {i}", sampling))));
        Assert.Contains(results, r => r.Last is CompletionFailed { Kind: FailureKind.Overloaded });
        Assert.Contains(results, r => r.Last is CompletionFinished);
    }

    [Fact]
    public async Task Every_request_of_a_burst_ends_and_all_blocks_return_despite_preemption()
    {
        using var replica = new ReplicaHarness(Sys, blocks: 16, maxNumSeqs: 8, maxNumBatchedTokens: 64);
        var sampling = new SamplingParams { Temperature = 0.8, MaxTokens = 16, Seed = 3 };
        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => replica.RunAsync(ReplicaHarness.Chat($"burst request number {i}", sampling))));
        Assert.All(results, r => Assert.IsType<CompletionFinished>(r.Last));
        var status = (await replica.Service.GetStatusAsync(default)).Scheduler;
        Assert.Equal(status.TotalBlocks, status.FreeBlocks);
        Assert.True(status.Preemptions > 0, "the small pool should have forced preemption");
    }

    [Fact]
    public async Task Request_past_the_timeout_ends_with_a_timeout_and_frees_its_blocks()
    {
        using var replica = new ReplicaHarness(Sys, requestTimeout: TimeSpan.FromMilliseconds(300));
        var result = await replica.RunAsync(ReplicaHarness.Chat("never ends", new SamplingParams { Temperature = 0, MaxTokens = 3000, IgnoreEos = true }));
        Assert.Equal(FailureKind.Timeout, Assert.IsType<CompletionFailed>(result.Last).Kind);
        for (int i = 0; i < 50 && (await replica.Service.GetStatusAsync(default)).Scheduler.Running > 0; i++) await Task.Delay(20);
        var status = (await replica.Service.GetStatusAsync(default)).Scheduler;
        Assert.Equal(status.TotalBlocks, status.FreeBlocks);
    }
}
