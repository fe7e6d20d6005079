namespace QwenVL.Runtime.Sampling;

/// <summary>
/// Order statistics over sampling candidates without sorting them. Candidates are parallel spans of a
/// float key (a logit, or a weight: an unnormalised probability &gt; 0) and token ids. "Rank order" is
/// descending key, lower token id first on equal keys: a strict total order, so every result is
/// deterministic.
/// </summary>
/// <remarks>
/// Both operations are quickselect (expected linear time), and both leave the spans partitioned around
/// the returned position: everything before it ranks higher, everything after ranks lower. That is
/// what lets top-k, top-p and the final draw each work on a prefix of the previous step's result.
/// </remarks>
internal static class CandidateSelection
{
    /// <summary>Reorders the candidates so that the <paramref name="count"/> highest-ranked come first (in no particular order).</summary>
    public static void MoveHighestToFront(Span<float> keys, Span<int> ids, int count)
    {
        int target = count - 1;
        int lo = 0, hi = keys.Length - 1;
        while (lo < hi)
        {
            int p = Partition(keys, ids, lo, hi);
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
        // Everything in the heavy prefix ranks above everything after it, and the prefix holds the
        // target, so the answer and all that ranks above it lie inside.
        int heavy = HeavyPrefix.MoveToFront(weights, ids, target);
        return FindInRankOrder(weights[..heavy], ids[..heavy], target, out massThrough);
    }

    private static int FindInRankOrder(Span<float> weights, Span<int> ids, double target, out double massThrough)
    {
        int lo = 0, hi = weights.Length - 1;
        double before = 0; // weight of all candidates ranked above position lo
        while (lo < hi)
        {
            int p = Partition(weights, ids, lo, hi);
            double above = WideningSum.Of(weights[lo..p]);
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

    private static bool RanksAbove(float keyA, int idA, float keyB, int idB) =>
        keyA > keyB || (keyA == keyB && idA < idB);

    /// <summary>
    /// Lomuto partition of [lo, hi] around a median-of-three pivot; returns the pivot's final position.
    /// </summary>
    private static int Partition(Span<float> keys, Span<int> ids, int lo, int hi)
    {
        int mid = lo + ((hi - lo) >> 1);
        // Order lo, mid, hi by rank, then park the median at hi as the pivot.
        if (RanksAbove(keys[mid], ids[mid], keys[lo], ids[lo])) Swap(keys, ids, lo, mid);
        if (RanksAbove(keys[hi], ids[hi], keys[lo], ids[lo])) Swap(keys, ids, lo, hi);
        if (RanksAbove(keys[mid], ids[mid], keys[hi], ids[hi])) Swap(keys, ids, mid, hi);

        float pivotKey = keys[hi];
        int pivotId = ids[hi];
        int store = lo;
        for (int i = lo; i < hi; i++)
        {
            if (RanksAbove(keys[i], ids[i], pivotKey, pivotId))
            {
                Swap(keys, ids, i, store);
                store++;
            }
        }
        Swap(keys, ids, store, hi);
        return store;
    }

    private static void Swap(Span<float> keys, Span<int> ids, int i, int j)
    {
        (keys[i], keys[j]) = (keys[j], keys[i]);
        (ids[i], ids[j]) = (ids[j], ids[i]);
    }
}
