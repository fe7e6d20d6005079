using QwenVL.Runtime.Sampling;
using Xunit;
using static QwenVL.Tests.Sampling.SamplingScenario;

namespace QwenVL.Tests.Sampling;

public class SamplerSeedTests
{
    private static readonly float[] Flat = new float[64];

    private static int[] Sequence(Sampler sampler, ulong seed, int length)
    {
        var output = new int[length];
        for (int step = 0; step < length; step++)
        {
            var context = new SamplingContext(new SamplingParams(), ReadOnlyMemory<int>.Empty, output.AsMemory(0, step), seed, ReadOnlyMemory<int>.Empty);
            output[step] = sampler.Sample(Flat, context).TokenId;
        }
        return output;
    }

    [Fact]
    public void Same_seed_and_context_give_the_same_tokens_across_calls_and_samplers()
    {
        var sampler = new Sampler(Flat.Length);
        int[] first = Sequence(sampler, 1234, 20);
        Assert.Equal(first, Sequence(sampler, 1234, 20));
        Assert.Equal(first, Sequence(new Sampler(Flat.Length), 1234, 20));
    }

    [Fact]
    public void Different_seeds_give_different_tokens_on_a_flat_distribution()
    {
        var sampler = new Sampler(Flat.Length);
        Assert.NotEqual(Sequence(sampler, 1, 10), Sequence(sampler, 2, 10));
    }

    [Fact]
    public void Steps_of_one_sequence_draw_different_tokens()
    {
        // The step index (output length) feeds the draw: a constant token would mean it was ignored.
        int[] tokens = Sequence(new Sampler(Flat.Length), 99, 20);
        Assert.True(tokens.Distinct().Count() > 5);
    }

    [Fact]
    public void Sampling_is_independent_of_other_sequences_sampled_in_between()
    {
        var sampler = new Sampler(Flat.Length);
        var context = Context(new SamplingParams(), output: [1, 2, 3], seed: 77);
        int alone = sampler.Sample(Flat, context).TokenId;
        sampler.Sample(Flat, Context(new SamplingParams { TopK = 3, RepetitionPenalty = 1.3 }, prompt: [4, 5], seed: 8));
        Assert.Equal(alone, sampler.Sample(Flat, context).TokenId);
    }
}
