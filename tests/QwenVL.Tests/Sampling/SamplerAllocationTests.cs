using QwenVL.Runtime.Sampling;
using Xunit;
using static QwenVL.Tests.Sampling.SamplingScenario;

namespace QwenVL.Tests.Sampling;

public class SamplerAllocationTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Sample_allocates_nothing_without_top_logprobs(double temperature)
    {
        const int vocab = 151_936;
        var rng = new Random(1);
        var logits = new float[vocab];
        for (int i = 0; i < vocab; i++) logits[i] = (float)(rng.NextDouble() * 10);
        var p = new SamplingParams
        {
            Temperature = temperature, TopK = 50, TopP = 0.9, MinP = 0.01, MinTokens = 5,
            RepetitionPenalty = 1.1, PresencePenalty = 0.3, FrequencyPenalty = 0.3, Logprobs = true,
        };
        var context = Context(p, prompt: [1, 2, 3], output: [4, 4, 5], seed: 9, stopTokenIds: [0]);
        var sampler = new Sampler(vocab);
        for (int i = 0; i < 20; i++) sampler.Sample(logits, context); // JIT and first-use costs

        // Tiered compilation may recompile a hot method (and allocate) during any one round; an allocation of
        // the sampler's own would show in every round, so the quietest round must allocate nothing.
        long quietest = long.MaxValue;
        for (int round = 0; round < 5 && quietest > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++) sampler.Sample(logits, context);
            quietest = Math.Min(quietest, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.Equal(0, quietest);
    }
}
