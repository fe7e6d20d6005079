using QwenVL.Runtime.Sampling;
using Xunit;

namespace QwenVL.Tests.Sampling;

/// <summary>
/// Tokens with equal logits get equal weights wherever quickselect leaves them among the candidates,
/// so the draw ranks them by id as the reference (and the device sampler) does.
/// </summary>
public class SamplerTieTests
{
    [Theory]
    [InlineData(20)]
    [InlineData(12)]
    [InlineData(50)]
    public void Tied_top_tokens_rank_by_id_whatever_their_candidate_position(int topK)
    {
        const int vocab = 4096;
        var rng = new Random(topK);
        var sampler = new Sampler(vocab);
        var p = new SamplingParams { TopK = topK };
        int disagreements = 0;
        for (int row = 0; row < 200; row++)
        {
            var logits = new float[vocab];
            for (int i = 0; i < vocab; i++) logits[i] = (float)(rng.NextDouble() * 8 - 4);
            for (int i = 0; i < 30; i++) logits[rng.Next(vocab)] += (float)(8 + 8 * rng.NextDouble());
            int a = vocab - 1 - rng.Next(300), b = vocab - 1 - rng.Next(300);
            logits[a] = logits[b] = 40;

            var context = new SamplingContext(p, Array.Empty<int>(), Array.Empty<int>(), (ulong)rng.NextInt64(), Array.Empty<int>());
            if (ReferenceSampler.Sample(logits, context) != sampler.Sample(logits, context).TokenId) disagreements++;
        }
        Assert.Equal(0, disagreements);
    }
}
