using Xunit;
using QwenVL.Bench.Load;
using QwenVL.Bench.Workloads;

namespace QwenVL.Tests.Bench;

/// <summary>A workload's figures follow hf_baseline.py's definitions, on made-up timings.</summary>
public class WorkloadResultTests
{
    [Fact]
    public void Figures_follow_hf_baselines_definitions()
    {
        RequestTiming[] timings =
        [
            new(PromptTokens: 100, NewTokens: 11, CachedPromptTokens: 16, FirstTokenSeconds: 0.5, FinishedSeconds: 2.0),
            new(PromptTokens: 120, NewTokens: 11, CachedPromptTokens: 0, FirstTokenSeconds: 0.2, FinishedSeconds: 2.5),
            new(PromptTokens: 110, NewTokens: 11, CachedPromptTokens: 0, FirstTokenSeconds: 0.3, FinishedSeconds: 1.5),
        ];
        var r = WorkloadResult.From(timings, newTokensPerRequest: 11, preemptions: 2);
        Assert.Equal(3, r.Requests);
        Assert.Equal(330, r.PromptTokens);
        Assert.Equal(33, r.NewTokens);
        Assert.Equal(0.5, r.TtftSeconds);
        Assert.Equal(2.5, r.TotalSeconds);
        Assert.Equal(33 / 2.5, r.OutputTokensPerSecond, 12);
        Assert.Equal(10 / (2.5 - 0.5), r.DecodeTokensPerSecondPerSequence, 12);
        Assert.Equal(0.2, r.TtftFirstSeconds);
        Assert.Equal(0.3, r.TtftMedianSeconds);
        Assert.Equal((11, 11), (r.NewTokensMin, r.NewTokensMax));
        Assert.Equal(16, r.CachedPromptTokens);
        Assert.Equal(2, r.Preemptions);
    }

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        RequestTiming[] timings = [new(10, 4, 0, 0.1, 1), new(10, 4, 0, 0.4, 1), new(10, 4, 0, 0.2, 1), new(10, 4, 0, 0.9, 1)];
        Assert.Equal(0.3, WorkloadResult.From(timings, 4, 0).TtftMedianSeconds, 12);
    }
}
