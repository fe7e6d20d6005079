using QwenVL.Runtime.Sampling;
using Xunit;

namespace QwenVL.Tests.Sampling;

public class CandidateSelectionTests
{
    private static (float[] Weights, int[] Ids) RandomCandidates(int count, int seed, int distinctWeights)
    {
        var rng = new Random(seed);
        var weights = new float[count];
        var ids = new int[count];
        for (int i = 0; i < count; i++)
        {
            weights[i] = (rng.Next(distinctWeights) + 1) / (float)distinctWeights;
            ids[i] = i * 3;
        }
        return (weights, ids);
    }

    private static int[] IdsInRankOrder(float[] weights, int[] ids) =>
        Enumerable.Range(0, ids.Length).OrderByDescending(i => weights[i]).ThenBy(i => ids[i]).Select(i => ids[i]).ToArray();

    [Theory]
    [InlineData(1000, 1, 1000)]
    [InlineData(1000, 50, 1000)]
    [InlineData(1000, 999, 1000)]
    [InlineData(1000, 50, 3)] // many equal weights: ties go to the lower id
    public void MoveHighestToFront_leaves_exactly_the_top_ranked_candidates_first(int count, int top, int distinctWeights)
    {
        var (weights, ids) = RandomCandidates(count, top, distinctWeights);
        int[] expected = IdsInRankOrder(weights, ids).Take(top).Order().ToArray();
        CandidateSelection.MoveHighestToFront(weights, ids, top);
        Assert.Equal(expected, ids.Take(top).Order().ToArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(0.999)]
    [InlineData(1.5)] // above the total, as rounding can make it: the last-ranked candidate
    public void FindCumulativeWeight_matches_a_sorted_cumulative_sum(double fraction)
    {
        var (weights, ids) = RandomCandidates(500, 9, 37);
        int[] ranked = IdsInRankOrder(weights, ids);
        float[] rankedWeights = ranked.Select(id => weights[id / 3]).ToArray();
        double total = rankedWeights.Sum(w => (double)w);
        double target = fraction * total;
        int expectedRank = 0;
        double running = rankedWeights[0];
        while (running < target && expectedRank < ranked.Length - 1) running += rankedWeights[++expectedRank];

        int position = CandidateSelection.FindCumulativeWeight(weights, ids, target, out double massThrough);

        Assert.Equal(ranked[expectedRank], ids[position]);
        Assert.Equal(running, massThrough, 1e-9);
        // Everything before the position ranks above it: the kept prefix for top-p.
        Assert.Equal(ranked.Take(expectedRank).Order().ToArray(), ids.Take(position).Order().ToArray());
    }

    [Fact]
    public void FindCumulativeWeight_on_a_peaked_distribution_matches_a_sorted_cumulative_sum()
    {
        // A few heavy tokens over a long light tail: the shape the heavy-prefix shortcut is for.
        // Targets sweep the whole range, so both the shortcut and the fall-back path are taken.
        const int count = 20_000;
        var rng = new Random(4);
        var original = new float[count];
        for (int i = 0; i < count; i++) original[i] = MathF.Exp((float)(rng.NextDouble() * 8 - 12));
        for (int i = 0; i < 40; i++) original[rng.Next(count)] = (float)rng.NextDouble();
        original[rng.Next(count)] = 1f;
        int[] originalIds = Enumerable.Range(0, count).ToArray();

        int[] ranked = IdsInRankOrder(original, originalIds);
        var cumulative = new double[count];
        double running = 0;
        for (int r = 0; r < count; r++) cumulative[r] = running += original[ranked[r]];

        var weights = new float[count];
        var ids = new int[count];
        for (int k = 0; k < 200; k++)
        {
            double target = (k + 0.5) / 200 * running;
            int expectedRank = Array.FindIndex(cumulative, c => c >= target);
            original.CopyTo(weights, 0);
            originalIds.CopyTo(ids, 0);

            int position = CandidateSelection.FindCumulativeWeight(weights, ids, target, out double massThrough);

            Assert.Equal(ranked[expectedRank], ids[position]);
            Assert.Equal(cumulative[expectedRank], massThrough, 1e-6);
            Assert.Equal(ranked.Take(expectedRank).Order().ToArray(), ids.Take(position).Order().ToArray());
        }
    }
}
