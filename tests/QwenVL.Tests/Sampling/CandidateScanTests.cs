using QwenVL.Runtime.Sampling;
using Xunit;

namespace QwenVL.Tests.Sampling;

public class CandidateScanTests
{
    [Theory]
    [InlineData(0, float.NegativeInfinity, 1000)]     // no top_k, no bound: every token
    [InlineData(0, 5f, 1000)]                         // bound only
    [InlineData(1, float.NegativeInfinity, 1000)]
    [InlineData(7, float.NegativeInfinity, 1000)]     // narrows many times; ties on integer logits
    [InlineData(7, 18f, 1000)]                        // bound and top_k together
    [InlineData(400, float.NegativeInfinity, 1000)]
    [InlineData(600, float.NegativeInfinity, 1000)]   // k above half the vocabulary: collects without narrowing
    [InlineData(5, float.NegativeInfinity, 13)]       // vocabulary not a multiple of the vector width
    public void Collect_keeps_the_top_k_tokens_at_or_above_the_bound(int topK, float bound, int vocab)
    {
        var rng = new Random(topK * 31 + vocab);
        var logits = new float[vocab];
        for (int i = 0; i < vocab; i++) logits[i] = rng.Next(20); // many equal logits: ties go to the lower id
        logits[vocab / 2] = float.NegativeInfinity;

        var passing = Enumerable.Range(0, vocab).Where(id => logits[id] >= bound)
            .OrderByDescending(id => logits[id]).ThenBy(id => id).ToArray();
        int[] expected = (topK > 0 ? passing.Take(topK) : passing).Order().ToArray();

        var keys = new float[vocab];
        var ids = new int[vocab];
        int count = CandidateScan.Collect(logits, bound, topK, keys, ids);
        if (topK > 0 && topK < count)
        {
            CandidateSelection.MoveHighestToFront(keys.AsSpan(0, count), ids.AsSpan(0, count), topK);
            count = topK;
        }

        Assert.Equal(expected, ids.Take(count).Order().ToArray());
        for (int i = 0; i < count; i++) Assert.Equal(logits[ids[i]], keys[i]);
    }

    [Fact]
    public void Collect_returns_every_token_in_id_order_when_all_pass_the_bound()
    {
        float[] logits = Enumerable.Range(0, 37).Select(i => (float)Math.Sin(i)).ToArray();
        var keys = new float[37];
        var ids = new int[37];
        Assert.Equal(37, CandidateScan.Collect(logits, -2f, 0, keys, ids));
        Assert.Equal(Enumerable.Range(0, 37).ToArray(), ids);
        Assert.Equal(logits, keys);
    }
}
