using QwenVL.Runtime.Sampling;
using Xunit;
using static QwenVL.Tests.Sampling.SamplingScenario;

namespace QwenVL.Tests.Sampling;

public class SamplerPenaltyTests
{
    private static readonly SamplingParams Greedy = new() { Temperature = 0 };

    private static int Pick(float[] logits, SamplingParams p, int[]? prompt = null, int[]? output = null, int[]? stop = null) =>
        new Sampler(logits.Length).Sample(logits, Context(p, prompt, output, stopTokenIds: stop)).TokenId;

    [Fact]
    public void Repetition_penalty_divides_a_positive_logit_of_a_prompt_token()
    {
        float[] logits = [2.0f, 1.8f, 0f];
        Assert.Equal(0, Pick(logits, Greedy, prompt: [0]));
        // 2.0 / 1.5 = 1.33 < 1.8
        Assert.Equal(1, Pick(logits, Greedy with { RepetitionPenalty = 1.5 }, prompt: [0]));
    }

    [Fact]
    public void Repetition_penalty_multiplies_a_negative_logit_of_an_output_token()
    {
        float[] logits = [-1.0f, -1.2f, -5f];
        Assert.Equal(0, Pick(logits, Greedy, output: [0]));
        // -1.0 * 1.5 = -1.5 < -1.2; dividing instead would raise it to -0.67 and keep token 0.
        Assert.Equal(1, Pick(logits, Greedy with { RepetitionPenalty = 1.5 }, output: [0]));
    }

    [Fact]
    public void Repetition_penalty_applies_once_per_token_however_often_it_repeats()
    {
        float[] logits = [2.0f, 1.5f];
        var p = Greedy with { RepetitionPenalty = 1.2 };
        // Once: 2.0 / 1.2 = 1.67 > 1.5. Applied per occurrence it would be 2.0 / 1.44 = 1.39 < 1.5.
        Assert.Equal(0, Pick(logits, p, prompt: [0, 0], output: [0]));
        Assert.Equal(1, Pick(logits, p with { RepetitionPenalty = 1.44 }, prompt: [0]));
    }

    [Fact]
    public void Repetition_penalty_below_one_favours_repeated_tokens()
    {
        float[] logits = [1.0f, 1.5f];
        Assert.Equal(0, Pick(logits, Greedy with { RepetitionPenalty = 0.5 }, prompt: [0]));
    }

    [Fact]
    public void Presence_penalty_moves_greedy_choice_off_a_token_in_the_output()
    {
        float[] logits = [1.0f, 0.8f];
        var p = Greedy with { PresencePenalty = 0.5 };
        Assert.Equal(0, Pick(logits, Greedy, output: [0]));
        Assert.Equal(1, Pick(logits, p, output: [0]));
    }

    [Fact]
    public void Presence_penalty_does_not_count_prompt_tokens()
    {
        float[] logits = [1.0f, 0.8f];
        Assert.Equal(0, Pick(logits, Greedy with { PresencePenalty = 0.5 }, prompt: [0, 0, 0]));
    }

    [Fact]
    public void Presence_penalty_is_charged_once_however_often_the_token_occurs()
    {
        float[] logits = [1.0f, 0.4f];
        // Once: 1.0 - 0.5 = 0.5 > 0.4. Per occurrence: 1.0 - 1.5 < 0.4.
        Assert.Equal(0, Pick(logits, Greedy with { PresencePenalty = 0.5 }, output: [0, 0, 0]));
    }

    [Theory]
    [InlineData(1, 0)] // 1.0 - 0.15 * 1 = 0.85 > 0.7
    [InlineData(3, 1)] // 1.0 - 0.15 * 3 = 0.55 < 0.7
    public void Frequency_penalty_grows_with_the_count_in_the_output(int occurrences, int expected)
    {
        float[] logits = [1.0f, 0.7f];
        int[] output = Enumerable.Repeat(0, occurrences).ToArray();
        Assert.Equal(expected, Pick(logits, Greedy with { FrequencyPenalty = 0.15 }, output: output));
    }

    [Fact]
    public void Negative_frequency_penalty_favours_repeated_tokens()
    {
        float[] logits = [1.0f, 1.2f];
        Assert.Equal(0, Pick(logits, Greedy with { FrequencyPenalty = -0.3 }, output: [0]));
    }

    [Fact]
    public void Penalties_leave_no_state_behind_between_calls()
    {
        float[] logits = [1.0f, 0.7f];
        var sampler = new Sampler(2);
        var p = Greedy with { FrequencyPenalty = 0.15, RepetitionPenalty = 1.01 };
        Assert.Equal(1, sampler.Sample(logits, Context(p, output: [0, 0, 0])).TokenId);
        // Counts from the previous call must not carry over.
        Assert.Equal(0, sampler.Sample(logits, Context(p, output: [0])).TokenId);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 0)]
    [InlineData(5, 0)]
    public void Min_tokens_suppresses_stop_tokens_until_reached(int generated, int expected)
    {
        float[] logits = [5f, 1f, 0f]; // token 0 is EOS and the favourite
        var p = Greedy with { MinTokens = 3 };
        int[] output = Enumerable.Repeat(2, generated).ToArray();
        Assert.Equal(expected, Pick(logits, p, output: output, stop: [0]));
    }

    [Fact]
    public void Min_tokens_suppresses_every_stop_token_not_only_the_first()
    {
        float[] logits = [5f, 4f, 1f];
        var p = Greedy with { MinTokens = 1 };
        Assert.Equal(2, Pick(logits, p, stop: [0, 1]));
    }

    [Fact]
    public void Penalties_shape_random_sampling_too()
    {
        // Token 0 has 91% of the mass; once the output has used it twice, the penalties leave it about 1%.
        float[] logits = [3f, 0f, 0f];
        var penalised = new SamplingParams { RepetitionPenalty = 2, PresencePenalty = 2, FrequencyPenalty = 2 };
        var sampler = new Sampler(3);
        int plainZeros = 0, penalisedZeros = 0;
        for (ulong seed = 0; seed < 200; seed++)
        {
            if (sampler.Sample(logits, Context(new SamplingParams(), output: [0, 0, 1], seed: seed)).TokenId == 0) plainZeros++;
            if (sampler.Sample(logits, Context(penalised, output: [0, 0, 1], seed: seed)).TokenId == 0) penalisedZeros++;
        }
        Assert.InRange(plainZeros, 160, 200);
        Assert.InRange(penalisedZeros, 0, 15);
    }
}
