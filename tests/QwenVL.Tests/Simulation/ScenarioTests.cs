using Xunit;
using Xunit.Abstractions;
using QwenVL.Bench.Simulation;

namespace QwenVL.Tests.Simulation;

/// <summary>
/// Scheduling scenarios on virtual time: the real request, scheduler and engine actors over the modelled executor.
/// Every scenario checks the invariants — every request ends, every KV block returns, no step exceeds the token budget
/// or the sequence cap, admission is first come first served — and prints its metrics.
/// </summary>
[Collection(ScenarioCollection.Name)]
public sealed class ScenarioTests(ITestOutputHelper output)
{
    private static void AssertInvariants(SimulationResult result)
    {
        var problems = result.EndStateProblems();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task A_burst_of_a_thousand_requests_is_served_in_batches()
    {
        var workload = new SimulationWorkload { Requests = 1000, PromptTokens = new(32, 128), OutputTokens = new(16, 32), Seed = 1 };
        var (result, _) = await ScenarioHarness.RunAsync(workload, new SimulationSettings(), output);
        AssertInvariants(result);
        Assert.Equal(1000, result.Report.Completed);
        // One token per sequence per step at most: batching shows as far fewer steps than generated tokens.
        Assert.True(result.Composition.Steps * 20 < result.Report.TotalOutputTokens,
            $"{result.Composition.Steps} steps for {result.Report.TotalOutputTokens} tokens");
        Assert.True(result.VirtualSeconds > 0.1, $"virtual time {result.VirtualSeconds} s");
    }

    [Fact]
    public async Task Long_prompts_among_short_chats_never_stall_decodes_past_one_budgeted_step()
    {
        const int budget = 512, longPrompt = 6000;
        var workload = new SimulationWorkload
        {
            Requests = 150, Rate = 40, PromptTokens = new(32, 96), OutputTokens = new(32, 64), LongPromptFraction = 0.1, LongPromptTokens = longPrompt, Seed = 2,
        };
        var (result, _) = await ScenarioHarness.RunAsync(workload, new SimulationSettings(MaxNumSeqs: 128, MaxNumBatchedTokens: budget), output);
        AssertInvariants(result);
        Assert.True(result.Composition.MaxTokensInStep <= budget);
        var p = ScenarioHarness.Profile;
        // The longest a budgeted step can take here: the budget in prefill at the deepest context, every sequence decoding,
        // attention over every sequence's whole context. A whole 6,000-token prompt in one step would take far longer.
        double budgetedStepMs = p.StepOverheadMs + budget * (p.PrefillMsPerToken + p.PrefillMsPerTokenPer1kContext * longPrompt / 1000.0)
            + 128 * p.DecodeMsPerSequence + 128 * (longPrompt + 64) / 1000.0 * p.AttentionMsPer1kKvTokens;
        double wholePromptMs = p.StepOverheadMs + longPrompt * (p.PrefillMsPerToken + p.PrefillMsPerTokenPer1kContext * longPrompt / 2000.0);
        double longestGapMs = result.Run.Outcomes.Where(o => o.Success).SelectMany(o => o.ItlSeconds).Max() * 1000;
        output.WriteLine($"longest inter-token gap {longestGapMs:F2} ms; a budgeted step at most {budgetedStepMs:F2} ms; an unchunked long prompt {wholePromptMs:F2} ms");
        Assert.True(longestGapMs <= budgetedStepMs, $"a decode waited {longestGapMs:F2} ms, longer than one budgeted step ({budgetedStepMs:F2} ms)");
        Assert.True(budgetedStepMs < wholePromptMs);
    }

    [Fact]
    public async Task Mixed_images_and_text_all_finish_and_release_their_images()
    {
        var workload = new SimulationWorkload { Requests = 40, Rate = 20, ImageFraction = 0.5, ImageSize = 224, OutputTokens = new(16, 32), Seed = 3 };
        var (result, executor) = await ScenarioHarness.RunAsync(workload, new SimulationSettings(), output);
        AssertInvariants(result);
        Assert.Equal(40, result.Report.Completed);
        Assert.Equal(0, executor.CachedImageCount);
        // 224×224 is a 16×16 patch grid: 64 image tokens on top of the text of each image request.
        var prompts = result.Run.Outcomes.Select(o => o.PromptTokens).ToArray();
        Assert.True(prompts.Max() >= 64, $"no prompt holds an image's 64 tokens: {string.Join(", ", prompts)}");
    }

    [Fact]
    public async Task Kv_cache_exhaustion_preempts_and_every_request_resumes_to_the_end()
    {
        var workload = new SimulationWorkload { Requests = 40, PromptTokens = new(96, 128), OutputTokens = new(160, 200), Seed = 4 };
        // 64 blocks of 16 tokens hold about 1,000 tokens: far less than 40 requests of ~300 tokens each.
        var (result, _) = await ScenarioHarness.RunAsync(workload, new SimulationSettings(KvCacheBlocks: 64), output);
        AssertInvariants(result);
        Assert.Equal(40, result.Report.Completed);
        Assert.True(result.FinalStatus.Scheduler.Preemptions > 0, "the cache never ran out, so nothing was preempted");
        Assert.All(result.Run.Outcomes, o => Assert.InRange(o.OutputTokens, 160, 200));
    }

    [Fact]
    public async Task Chats_sharing_a_system_prompt_hit_the_prefix_cache()
    {
        var workload = new SimulationWorkload
        {
            Requests = 120, Rate = 30, SharedPrefixTokens = 512, PromptTokens = new(560, 640), OutputTokens = new(16, 32), Seed = 5,
        };
        var (result, _) = await ScenarioHarness.RunAsync(workload, new SimulationSettings(), output);
        AssertInvariants(result);
        var s = result.FinalStatus.Scheduler;
        double hitRate = (double)s.PrefixCacheHits / s.PrefixCacheQueries;
        Assert.True(hitRate > 0.6, $"prefix cache hit rate {hitRate:P1} for prompts that share 512 of ~600 tokens");
        var (withoutCache, _) = await ScenarioHarness.RunAsync(workload, new SimulationSettings(EnablePrefixCaching: false), output);
        Assert.True(result.Report.Ttft.MeanMs < withoutCache.Report.Ttft.MeanMs,
            $"TTFT {result.Report.Ttft.MeanMs:F2} ms with the cache, {withoutCache.Report.Ttft.MeanMs:F2} ms without");
    }

    [Fact]
    public async Task A_storm_of_cancellations_returns_every_block()
    {
        var workload = new SimulationWorkload
        {
            Requests = 300, Rate = 200, PromptTokens = new(64, 256), OutputTokens = new(100, 200), CancelFraction = 0.5, CancelAfterSeconds = 0.05, Seed = 6,
        };
        var (result, _) = await ScenarioHarness.RunAsync(workload, new SimulationSettings(), output);
        AssertInvariants(result);
        Assert.InRange(result.Cancelled, 100, 200);
        Assert.Equal(300 - result.Cancelled, result.Report.Completed);
    }
}

/// <summary>The scenarios run one at a time: each drives virtual time and waits on real threads between events.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScenarioCollection
{
    public const string Name = "scheduling scenarios";
}
