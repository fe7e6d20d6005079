using QwenVL.Runtime.Sampling;
using Xunit;
using static QwenVL.Tests.Sampling.SamplingScenario;

namespace QwenVL.Tests.Sampling;

public class SamplerGreedyTests
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0 };

    [Fact]
    public void Greedy_picks_the_highest_logit()
    {
        float[] logits = [0.5f, -1f, 3.25f, 3.2f, 1f];
        for (ulong seed = 0; seed < 20; seed++)
            Assert.Equal(2, new Sampler(logits.Length).Sample(logits, Context(Greedy, seed: seed)).TokenId);
    }

    [Fact]
    public void Greedy_picks_the_lowest_id_among_equal_highest_logits()
    {
        float[] logits = [1f, 4f, 2f, 4f, 4f];
        Assert.Equal(1, new Sampler(logits.Length).Sample(logits, Context(Greedy)).TokenId);
    }

    [Fact]
    public void Greedy_argmax_scans_a_full_size_vocabulary()
    {
        var logits = new float[151_936];
        var rng = new Random(3);
        for (int i = 0; i < logits.Length; i++) logits[i] = (float)(rng.NextDouble() * 10 - 5);
        logits[151_000] = 6f;
        Assert.Equal(151_000, new Sampler(logits.Length).Sample(logits, Context(Greedy)).TokenId);
    }

    [Fact]
    public void Sample_rejects_logits_of_the_wrong_length()
    {
        var sampler = new Sampler(8);
        Assert.Throws<ArgumentException>(() => sampler.Sample(new float[7], Context(Greedy)));
    }

    [Fact]
    public void Sample_throws_when_every_token_is_suppressed()
    {
        float[] logits = [1f, 2f];
        var p = Greedy with { MinTokens = 1 };
        Assert.Throws<InvalidOperationException>(() =>
            new Sampler(2).Sample(logits, Context(p, stopTokenIds: [0, 1])));
    }
}
