using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Sampling;
using Xunit;
using CudaSampling = QwenVL.Cuda.Executor.Sampling;

namespace QwenVL.Tests.Sampling;

/// <summary>The grammar's mask and logit_bias in the host sampler, and where the CUDA executor samples such rows.</summary>
public class SamplerConstraintTests
{
    private const int Vocab = 300;

    private static float[] Logits(int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, Vocab).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
    }

    private static ulong[] Mask(params int[] ids)
    {
        // Shorter than the vocabulary on purpose: ids past the mask's end are refused.
        var mask = new ulong[(Vocab - 40 + 63) / 64];
        foreach (var id in ids) mask[id >> 6] |= 1UL << id;
        return mask;
    }

    private static SamplingContext Context(SamplingParams p, int step, ulong[]? mask = null, int[]? stops = null) =>
        new(p, ReadOnlyMemory<int>.Empty, new int[step], 42, stops ?? [], mask ?? default(ReadOnlyMemory<ulong>));

    [Fact]
    public void Only_masked_in_tokens_are_drawn_and_their_logprobs_stay_raw()
    {
        var sampler = new Sampler(Vocab);
        int[] allowed = [3, 64, 65, 130, 200];
        var mask = Mask(allowed);
        for (int step = 0; step < 200; step++)
        {
            var logits = Logits(step);
            var token = sampler.Sample(logits, Context(new SamplingParams { Temperature = 1.0, TopP = 0.9 }, step, mask));
            Assert.Contains(token.TokenId, allowed);
            double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
            Assert.Equal(logits[token.TokenId] - max - Math.Log(sum), token.Logprob, 1e-4);
        }
    }

    [Fact]
    public void Greedy_takes_the_best_allowed_token_after_the_bias()
    {
        var sampler = new Sampler(Vocab);
        var logits = Logits(1);
        int[] allowed = [10, 20, 30];
        int best = allowed.MaxBy(id => logits[id]);
        var p = new SamplingParams { Temperature = 0 };
        Assert.Equal(best, sampler.Sample(logits, Context(p, 0, Mask(allowed))).TokenId);
        int other = allowed.First(id => id != best);
        var biased = p with { LogitBias = [new LogitBiasEntry(other, 100), new LogitBiasEntry(Vocab + 5, 100)] };
        Assert.Equal(other, sampler.Sample(logits, Context(biased, 0, Mask(allowed))).TokenId);
        // A bias does not reach past the mask.
        var outside = p with { LogitBias = [new LogitBiasEntry(11, 100)] };
        Assert.Equal(best, sampler.Sample(logits, Context(outside, 0, Mask(allowed))).TokenId);
    }

    [Fact]
    public void Min_tokens_suppresses_stop_tokens_unless_the_mask_allows_nothing_else()
    {
        var sampler = new Sampler(Vocab);
        var logits = Logits(2);
        logits[7] = 50;
        var p = new SamplingParams { Temperature = 0, MinTokens = 5 };
        Assert.NotEqual(7, sampler.Sample(logits, Context(p, 0, Mask(7, 8), stops: [7])).TokenId);
        Assert.Equal(7, sampler.Sample(logits, Context(p, 0, Mask(7), stops: [7])).TokenId);
    }

    [Fact]
    public void Masked_or_biased_rows_are_sampled_on_the_host_under_CUDA()
    {
        SequenceStep Row(SamplingContext? ctx) => new(1, [1], [0, 0, 0], [0], 0, ctx);
        var plain = Context(new SamplingParams { Temperature = 0.7 }, 0);
        Assert.False(CudaSampling.AnyReshaped(new StepBatch([Row(plain), Row(null)])));
        Assert.True(CudaSampling.AnyReshaped(new StepBatch([Row(plain), Row(plain with { AllowedTokens = Mask(1) })])));
        Assert.True(CudaSampling.AnyReshaped(new StepBatch(
            [Row(plain with { Params = plain.Params with { LogitBias = [new LogitBiasEntry(1, 1)] } })])));
    }
}
