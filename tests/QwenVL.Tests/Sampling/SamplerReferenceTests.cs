using QwenVL.Runtime.Sampling;
using Xunit;

namespace QwenVL.Tests.Sampling;

/// <summary>The quickselect-based sampler against a full-sort reference, over random logits and settings.</summary>
public class SamplerReferenceTests
{
    public static TheoryData<string, SamplingParams> Settings => new()
    {
        { "defaults", new SamplingParams() },
        { "greedy with penalties", new SamplingParams { Temperature = 0, RepetitionPenalty = 1.3, PresencePenalty = 0.5, FrequencyPenalty = 0.2 } },
        { "temperature", new SamplingParams { Temperature = 0.6 } },
        { "top_k", new SamplingParams { Temperature = 1.3, TopK = 40 } },
        { "top_p", new SamplingParams { Temperature = 0.9, TopP = 0.8 } },
        { "min_p", new SamplingParams { MinP = 0.02 } },
        { "all filters", new SamplingParams { Temperature = 0.7, TopK = 200, TopP = 0.9, MinP = 0.001 } },
        { "penalties", new SamplingParams { Temperature = 1.1, TopP = 0.95, RepetitionPenalty = 1.2, PresencePenalty = -0.5, FrequencyPenalty = 0.7 } },
        { "min_tokens", new SamplingParams { TopK = 20, MinTokens = 30 } },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Sampler_agrees_with_the_full_sort_reference(string description, SamplingParams p)
    {
        Assert.NotEmpty(description);
        const int vocab = 4096;
        var rng = new Random(description.Length * 7919);
        var sampler = new Sampler(vocab);
        int[] prompt = Enumerable.Range(0, 64).Select(_ => rng.Next(vocab)).ToArray();
        int[] stop = [rng.Next(vocab), rng.Next(vocab)];
        var output = new List<int>();
        for (int step = 0; step < 60; step++)
        {
            // A peaked distribution, as a language model gives, with the favourites moving each step.
            var logits = new float[vocab];
            for (int i = 0; i < vocab; i++) logits[i] = (float)(rng.NextDouble() * 8 - 4);
            for (int i = 0; i < 10; i++) logits[rng.Next(vocab)] += 6;
            foreach (int id in stop) logits[id] += 8;

            var context = new SamplingContext(p, prompt, output.ToArray(), 2024, stop);
            int expected = ReferenceSampler.Sample(logits, context);
            Assert.Equal(expected, sampler.Sample(logits, context).TokenId);
            output.Add(expected);
        }
    }
}
