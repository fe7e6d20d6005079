using QwenVL.Runtime.Sampling;
using Xunit;
using static QwenVL.Tests.Sampling.SamplingScenario;

namespace QwenVL.Tests.Sampling;

public class SamplerFilterTests
{
    private const int Draws = 2000;

    [Fact]
    public void Higher_temperature_lowers_the_share_of_the_top_token()
    {
        float[] logits = [2f, 1f, 0f, -1f];
        int cold = Histogram(logits, new SamplingParams { Temperature = 0.5 }, Draws)[0];
        int neutral = Histogram(logits, new SamplingParams { Temperature = 1.0 }, Draws)[0];
        int hot = Histogram(logits, new SamplingParams { Temperature = 2.0 }, Draws)[0];
        // Expected shares: 0.86, 0.64, 0.43.
        Assert.InRange(cold, 0.80 * Draws, 0.92 * Draws);
        Assert.InRange(neutral, 0.58 * Draws, 0.70 * Draws);
        Assert.InRange(hot, 0.37 * Draws, 0.49 * Draws);
    }

    [Fact]
    public void Random_sampling_follows_the_softmax_probabilities()
    {
        int[] counts = Histogram(LogitsOf(0.5, 0.3, 0.15, 0.05), new SamplingParams(), Draws);
        Assert.InRange(counts[0], 0.46 * Draws, 0.54 * Draws);
        Assert.InRange(counts[1], 0.26 * Draws, 0.34 * Draws);
        Assert.InRange(counts[2], 0.12 * Draws, 0.18 * Draws);
        Assert.InRange(counts[3], 0.03 * Draws, 0.07 * Draws);
    }

    [Fact]
    public void Top_k_1_always_picks_the_argmax_even_at_high_temperature()
    {
        float[] logits = [0.1f, 0.3f, 0.2f, 0.25f];
        Assert.Equal([0, 1, 2, 3], Chosen(Histogram(logits, new SamplingParams { Temperature = 100 }, 200)));
        Assert.Equal([1], Chosen(Histogram(logits, new SamplingParams { Temperature = 100, TopK = 1 }, 200)));
    }

    [Fact]
    public void Top_k_2_never_returns_the_third_token()
    {
        float[] logits = LogitsOf(0.3, 0.4, 0.2, 0.1);
        int[] counts = Histogram(logits, new SamplingParams { TopK = 2 }, Draws);
        Assert.Equal([0, 1], Chosen(counts));
        // Renormalised over the two kept tokens: 3/7 and 4/7.
        Assert.InRange(counts[1], 0.52 * Draws, 0.62 * Draws);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(100)]
    public void Top_k_off_or_at_least_vocab_keeps_every_token(int topK)
    {
        int[] counts = Histogram(LogitsOf(0.25, 0.25, 0.25, 0.25), new SamplingParams { TopK = topK }, 400);
        Assert.Equal([0, 1, 2, 3], Chosen(counts));
    }

    [Theory]
    [InlineData(0.01, new[] { 0 })]
    [InlineData(0.39, new[] { 0 })]
    [InlineData(0.5, new[] { 0, 1 })]
    [InlineData(0.69, new[] { 0, 1 })]
    [InlineData(0.75, new[] { 0, 1, 2 })]
    [InlineData(1.0, new[] { 0, 1, 2, 3 })]
    public void Top_p_keeps_the_smallest_set_whose_mass_reaches_it(double topP, int[] kept)
    {
        // Probabilities are shuffled across ids so that the set follows probability, not id order.
        float[] logits = LogitsOf(0.2, 0.1, 0.4, 0.3);
        int[] byProbability = [2, 3, 0, 1];
        int[] expected = kept.Select(rank => byProbability[rank]).Order().ToArray();
        Assert.Equal(expected, Chosen(Histogram(logits, new SamplingParams { TopP = topP }, Draws)));
    }

    [Fact]
    public void Top_p_applies_to_probabilities_after_temperature()
    {
        // At T=1 token 0 holds 0.5 of the mass; at T=0.2 it holds 0.92, so top_p=0.9 keeps it alone.
        float[] logits = LogitsOf(0.5, 0.3, 0.2);
        Assert.Equal([0, 1, 2], Chosen(Histogram(logits, new SamplingParams { TopP = 0.9 }, Draws)));
        Assert.Equal([0], Chosen(Histogram(logits, new SamplingParams { TopP = 0.9, Temperature = 0.2 }, Draws)));
    }

    [Fact]
    public void Top_p_measures_mass_after_top_k()
    {
        // top_k=2 leaves 0.4 and 0.3, renormalised to 0.57 and 0.43; top_p=0.5 then keeps only the first.
        // Measured over the full distribution, 0.4 < 0.5 would have kept both.
        float[] logits = LogitsOf(0.4, 0.3, 0.2, 0.1);
        Assert.Equal([0, 1], Chosen(Histogram(logits, new SamplingParams { TopP = 0.5 }, Draws)));
        Assert.Equal([0], Chosen(Histogram(logits, new SamplingParams { TopP = 0.5, TopK = 2 }, Draws)));
    }

    [Theory]
    [InlineData(0.0, new[] { 0, 1, 2, 3 })]
    [InlineData(0.2, new[] { 0, 1, 2 })]   // drops p < 0.1
    [InlineData(0.5, new[] { 0, 1 })]      // drops p < 0.25
    [InlineData(1.0, new[] { 0 })]
    public void Min_p_drops_tokens_below_a_fraction_of_the_top_probability(double minP, int[] kept)
    {
        float[] logits = LogitsOf(0.5, 0.3, 0.15, 0.05);
        Assert.Equal(kept, Chosen(Histogram(logits, new SamplingParams { MinP = minP }, Draws)));
    }

    [Fact]
    public void Draw_is_the_inverse_cdf_in_descending_probability_order()
    {
        // Ids 0, 1, 2 hold 0.1, 0.2, 0.7. In descending order the CDF steps are 0.7 (id 2), 0.9 (id 1), 1.0 (id 0).
        float[] logits = LogitsOf(0.1, 0.2, 0.7);
        var sampler = new Sampler(3);
        var output = new int[100];
        for (int step = 0; step < 100; step++)
        {
            double u = SamplingRandom.Uniform(11, step);
            int expected = u < 0.7 ? 2 : u < 0.9 ? 1 : 0;
            var context = new SamplingContext(new SamplingParams(), ReadOnlyMemory<int>.Empty, output.AsMemory(0, step), 11, ReadOnlyMemory<int>.Empty);
            Assert.Equal(expected, sampler.Sample(logits, context).TokenId);
        }
    }

    [Fact]
    public void Draw_orders_equal_probabilities_by_token_id()
    {
        float[] logits = new float[8];
        var sampler = new Sampler(8);
        var output = new int[100];
        for (int step = 0; step < 100; step++)
        {
            int expected = (int)(SamplingRandom.Uniform(5, step) * 8);
            var context = new SamplingContext(new SamplingParams(), ReadOnlyMemory<int>.Empty, output.AsMemory(0, step), 5, ReadOnlyMemory<int>.Empty);
            Assert.Equal(expected, sampler.Sample(logits, context).TokenId);
        }
    }
}
