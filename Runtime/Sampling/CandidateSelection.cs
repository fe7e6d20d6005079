namespace QwenVL.Runtime.Sampling;

/// <summary>
/// Order statistics over sampling candidates without sorting them. Candidates are parallel spans of
/// weights (unnormalised probabilities, all &gt; 0) and token ids. "Rank order" is descending weight,
/// lower token id first on equal weights: a strict total order, so every result is deterministic.
/// </summary>
/// <remarks>
/// Both operations are quickselect (expected linear time), and both leave the spans partitioned around
/// the returned position: everything before it ranks higher, everything after ranks lower. That is
/// what lets top-k, top-p and the final draw each work on a prefix of the previous step's result.
/// </remarks>
internal static class CandidateSelection
{
    /// <summary>Reorders the candidates so that the <paramref name="count"/> highest-ranked come first (in no particular order).</summary>
    public static void MoveHighestToFront(Span<float> weights, Span<int> ids, int count)
    {
        int target = count - 1;
        int lo = 0, hi = weights.Length - 1;
        while (lo < hi)
        {
            int p = Partition(weights, ids, lo, hi);
            if (p == target) return;
            if (p < target) lo = p + 1;
            else hi = p - 1;
        }
    }

    /// <summary>
    /// Returns the position of the first candidate, in rank order, at which the running sum of weights
    /// reaches <paramref name="target"/> (the inverse CDF taken in descending-probability order), and the
    /// running sum through it. If rounding leaves the target above the total, the last-ranked candidate.
    /// </summary>
    public static int FindCumulativeWeight(Span<float> weights, Span<int> ids, double target, out double massThrough)
    {
        int lo = 0, hi = weights.Length - 1;
        double before = 0; // weight of all candidates ranked above position lo
        while (lo < hi)
        {
            int p = Partition(weights, ids, lo, hi);
            double above = Sum(weights[lo..p]);
            if (p > lo && before + above >= target)
            {
                hi = p - 1;
                continue;
            }
            double through = before + above + weights[p];
            if (through >= target || p == hi)
            {
                massThrough = through;
                return p;
            }
            before = through;
            lo = p + 1;
        }
        massThrough = before + weights[lo];
        return lo;
    }

    /// <summary>Sums in double so that 152k small probabilities keep their precision.</summary>
    public static double Sum(ReadOnlySpan<float> weights)
    {
        double sum = 0;
        foreach (float w in weights) sum += w;
        return sum;
    }

    private static bool RanksAbove(float weightA, int idA, float weightB, int idB) =>
        weightA > weightB || (weightA == weightB && idA < idB);

    /// <summary>
    /// Lomuto partition of [lo, hi] around a median-of-three pivot; returns the pivot's final position.
    /// </summary>
    private static int Partition(Span<float> weights, Span<int> ids, int lo, int hi)
    {
        int mid = lo + ((hi - lo) >> 1);
        // Order lo, mid, hi by rank, then park the median at hi as the pivot.
        if (RanksAbove(weights[mid], ids[mid], weights[lo], ids[lo])) Swap(weights, ids, lo, mid);
        if (RanksAbove(weights[hi], ids[hi], weights[lo], ids[lo])) Swap(weights, ids, lo, hi);
        if (RanksAbove(weights[mid], ids[mid], weights[hi], ids[hi])) Swap(weights, ids, mid, hi);

        float pivotWeight = weights[hi];
        int pivotId = ids[hi];
        int store = lo;
        for (int i = lo; i < hi; i++)
        {
            if (RanksAbove(weights[i], ids[i], pivotWeight, pivotId))
            {
                Swap(weights, ids, i, store);
                store++;
            }
        }
        Swap(weights, ids, store, hi);
        return store;
    }

    private static void Swap(Span<float> weights, Span<int> ids, int i, int j)
    {
        (weights[i], weights[j]) = (weights[j], weights[i]);
        (ids[i], ids[j]) = (ids[j], ids[i]);
    }
}
