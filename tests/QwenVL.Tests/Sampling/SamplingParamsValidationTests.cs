using QwenVL.Runtime.Sampling;
using Xunit;

namespace QwenVL.Tests.Sampling;

public class SamplingParamsValidationTests
{
    private static readonly SamplingParams Valid = new();

    private static SamplingParams Case(string name) => name switch
    {
        "temperature negative" => Valid with { Temperature = -1 },
        "temperature NaN" => Valid with { Temperature = double.NaN },
        "top_p zero" => Valid with { TopP = 0 },
        "top_p above one" => Valid with { TopP = 1.5 },
        "top_k below -1" => Valid with { TopK = -2 },
        "min_p negative" => Valid with { MinP = -0.1 },
        "min_p above one" => Valid with { MinP = 1.1 },
        "repetition_penalty zero" => Valid with { RepetitionPenalty = 0 },
        "repetition_penalty negative" => Valid with { RepetitionPenalty = -1 },
        "presence_penalty above 2" => Valid with { PresencePenalty = 2.5 },
        "presence_penalty below -2" => Valid with { PresencePenalty = -2.5 },
        "frequency_penalty above 2" => Valid with { FrequencyPenalty = 2.5 },
        "frequency_penalty below -2" => Valid with { FrequencyPenalty = -2.5 },
        "top_logprobs above 20" => Valid with { Logprobs = true, TopLogprobs = 21 },
        "top_logprobs negative" => Valid with { Logprobs = true, TopLogprobs = -1 },
        "top_logprobs without logprobs" => Valid with { Logprobs = false, TopLogprobs = 5 },
        "max_tokens zero" => Valid with { MaxTokens = 0 },
        "min_tokens negative" => Valid with { MinTokens = -1 },
        "min_tokens above max_tokens" => Valid with { MaxTokens = 5, MinTokens = 10 },
        "n zero" => Valid with { N = 0 },
        "n above 128" => Valid with { N = 129 },
        "empty stop string" => Valid with { Stop = ["ok", ""] },
        "negative stop token id" => Valid with { StopTokenIds = [2, -1] },
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("temperature negative", "temperature")]
    [InlineData("temperature NaN", "temperature")]
    [InlineData("top_p zero", "top_p")]
    [InlineData("top_p above one", "top_p")]
    [InlineData("top_k below -1", "top_k")]
    [InlineData("min_p negative", "min_p")]
    [InlineData("min_p above one", "min_p")]
    [InlineData("repetition_penalty zero", "repetition_penalty")]
    [InlineData("repetition_penalty negative", "repetition_penalty")]
    [InlineData("presence_penalty above 2", "presence_penalty")]
    [InlineData("presence_penalty below -2", "presence_penalty")]
    [InlineData("frequency_penalty above 2", "frequency_penalty")]
    [InlineData("frequency_penalty below -2", "frequency_penalty")]
    [InlineData("top_logprobs above 20", "top_logprobs")]
    [InlineData("top_logprobs negative", "top_logprobs")]
    [InlineData("top_logprobs without logprobs", "top_logprobs")]
    [InlineData("max_tokens zero", "max_tokens")]
    [InlineData("min_tokens negative", "min_tokens")]
    [InlineData("min_tokens above max_tokens", "min_tokens")]
    [InlineData("n zero", "n")]
    [InlineData("n above 128", "n")]
    [InlineData("empty stop string", "stop")]
    [InlineData("negative stop token id", "stop_token_ids")]
    public void Validate_rejects_value_out_of_range_naming_the_field(string invalidCase, string field)
    {
        var ex = Assert.Throws<SamplingParamsException>(() => Case(invalidCase).Validate());
        Assert.Equal(field, ex.Field);
        Assert.StartsWith(field, ex.Message);
    }

    [Fact]
    public void Validate_message_states_the_rule_and_the_value()
    {
        var ex = Assert.Throws<SamplingParamsException>(() => (Valid with { Temperature = -1 }).Validate());
        Assert.Equal("temperature must be >= 0 and finite, got -1", ex.Message);
    }

    [Fact]
    public void Validate_accepts_every_boundary_value()
    {
        SamplingParams[] boundaries =
        [
            Valid,
            Valid with { Temperature = 0 },
            Valid with { TopP = 1e-9 },
            Valid with { TopK = -1 },
            Valid with { TopK = 1 },
            Valid with { MinP = 1 },
            Valid with { RepetitionPenalty = 1e-3 },
            Valid with { PresencePenalty = -2, FrequencyPenalty = 2 },
            Valid with { PresencePenalty = 2, FrequencyPenalty = -2 },
            Valid with { Logprobs = true, TopLogprobs = 20 },
            Valid with { Logprobs = true, TopLogprobs = 0 },
            Valid with { MaxTokens = 1, MinTokens = 1 },
            Valid with { MinTokens = 500 }, // no max_tokens: bounded by the model length elsewhere
            Valid with { N = 128 },
            Valid with { Stop = ["a", "b", "c", "d", "e"], StopTokenIds = [0] },
        ];
        foreach (var p in boundaries) p.Validate();
    }

    [Theory]
    [InlineData(0.0, true)]
    [InlineData(0.000009, true)]
    [InlineData(0.00001, false)]
    [InlineData(0.7, false)]
    public void IsGreedy_below_sampling_epsilon(double temperature, bool greedy)
    {
        Assert.Equal(greedy, new SamplingParams { Temperature = temperature }.IsGreedy);
    }
}
