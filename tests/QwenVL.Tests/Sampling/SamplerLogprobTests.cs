using QwenVL.Runtime.Sampling;
using Xunit;
using static QwenVL.Tests.Sampling.SamplingScenario;

namespace QwenVL.Tests.Sampling;

public class SamplerLogprobTests
{
    private static float[] RandomLogits(int vocab, int seed)
    {
        var rng = new Random(seed);
        var logits = new float[vocab];
        for (int i = 0; i < vocab; i++) logits[i] = (float)(rng.NextDouble() * 40 - 20);
        return logits;
    }

    private static double[] LogSoftmaxInDouble(float[] logits)
    {
        double max = logits.Max();
        double sum = 0;
        foreach (float l in logits) sum += Math.Exp(l - max);
        double logZ = max + Math.Log(sum);
        return logits.Select(l => l - logZ).ToArray();
    }

    public static TheoryData<string, SamplingParams> ParamsThatChangeTheChoice => new()
    {
        { "plain", new SamplingParams { Logprobs = true } },
        { "greedy", new SamplingParams { Temperature = 0, Logprobs = true } },
        { "cold and filtered", new SamplingParams { Temperature = 0.3, TopK = 50, TopP = 0.8, MinP = 0.05, Logprobs = true } },
        { "penalised", new SamplingParams { Temperature = 2, RepetitionPenalty = 1.8, PresencePenalty = 2, FrequencyPenalty = 2, Logprobs = true } },
    };

    [Theory]
    [MemberData(nameof(ParamsThatChangeTheChoice))]
    public void Logprob_is_log_softmax_of_the_raw_logits(string description, SamplingParams p)
    {
        Assert.NotEmpty(description);
        float[] logits = RandomLogits(1000, 17);
        double[] expected = LogSoftmaxInDouble(logits);
        var sampler = new Sampler(logits.Length);
        int[] prompt = [1, 2, 3, 500, 999];
        for (int step = 0; step < 30; step++)
        {
            int[] output = Enumerable.Range(0, step).Select(i => (i * 37) % 1000).ToArray();
            SampledToken token = sampler.Sample(logits, Context(p, prompt, output, seed: 3));
            Assert.Equal(expected[token.TokenId], token.Logprob, 1e-5);
        }
    }

    [Fact]
    public void Logprob_is_filled_even_when_logprobs_are_not_requested()
    {
        float[] logits = LogitsOf(0.5, 0.25, 0.25);
        SampledToken token = new Sampler(3).Sample(logits, Context(new SamplingParams { Temperature = 0 }));
        Assert.Equal(Math.Log(0.5), token.Logprob, 1e-6);
        Assert.Null(token.TopLogprobs);
    }

    [Fact]
    public void Logprob_keeps_precision_over_a_full_size_vocabulary()
    {
        float[] logits = RandomLogits(151_936, 5);
        double[] expected = LogSoftmaxInDouble(logits);
        var sampler = new Sampler(logits.Length);
        var p = new SamplingParams { Logprobs = true, TopLogprobs = 20 };
        SampledToken token = sampler.Sample(logits, Context(p, seed: 1));
        Assert.Equal(expected[token.TokenId], token.Logprob, 1e-5);
        foreach (TopLogprob top in token.TopLogprobs!)
            Assert.Equal(expected[top.TokenId], top.Logprob, 1e-5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(20)]
    public void Top_logprobs_returns_the_requested_number_highest_first(int count)
    {
        float[] logits = RandomLogits(1000, 23);
        double[] expected = LogSoftmaxInDouble(logits);
        int[] expectedIds = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).Take(count).ToArray();
        var p = new SamplingParams { Temperature = 0.7, Logprobs = true, TopLogprobs = count };
        TopLogprob[] top = new Sampler(logits.Length).Sample(logits, Context(p)).TopLogprobs!;

        Assert.Equal(expectedIds, top.Select(t => t.TokenId).ToArray());
        for (int i = 0; i < count; i++)
            Assert.Equal(expected[top[i].TokenId], top[i].Logprob, 1e-5);
    }

    [Fact]
    public void Top_logprobs_are_of_raw_logits_not_penalised_ones()
    {
        float[] logits = [3f, 2f, 1f];
        var p = new SamplingParams { Temperature = 0, RepetitionPenalty = 10, Logprobs = true, TopLogprobs = 3 };
        SampledToken token = new Sampler(3).Sample(logits, Context(p, prompt: [0]));
        Assert.Equal(1, token.TokenId);
        Assert.Equal([0, 1, 2], token.TopLogprobs!.Select(t => t.TokenId).ToArray());
    }

    [Fact]
    public void Top_logprobs_break_ties_by_lower_token_id()
    {
        float[] logits = [1f, 2f, 2f, 0f, 2f];
        var p = new SamplingParams { Temperature = 0, Logprobs = true, TopLogprobs = 2 };
        TopLogprob[] top = new Sampler(5).Sample(logits, Context(p)).TopLogprobs!;
        Assert.Equal([1, 2], top.Select(t => t.TokenId).ToArray());
    }

    [Fact]
    public void Logprobs_without_top_logprobs_give_an_empty_list()
    {
        var p = new SamplingParams { Logprobs = true, TopLogprobs = 0 };
        TopLogprob[]? top = new Sampler(3).Sample([1f, 2f, 3f], Context(p)).TopLogprobs;
        Assert.NotNull(top);
        Assert.Empty(top);
    }
}
