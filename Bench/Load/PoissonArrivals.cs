namespace QwenVL.Bench.Load;

/// <summary>
/// When each request is sent, in seconds from the start: a Poisson process of the given rate, so the gaps between
/// requests are exponential with mean 1/rate, as benchmark_serving draws them (burstiness 1). The first request goes at
/// once and request i after the sum of the first i gaps. An infinite rate sends everything at time 0.
/// The times are fixed up front from the seed, so a run can be repeated exactly and no timer drift accumulates:
/// the sender waits for each absolute time, not for each gap.
/// </summary>
public static class PoissonArrivals
{
    public static double[] Offsets(int count, double rate, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!(rate > 0)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "the rate must be positive");
        var offsets = new double[count];
        if (double.IsPositiveInfinity(rate)) return offsets;
        var random = new Random(SeedOf(seed));
        double time = 0;
        for (int i = 1; i < count; i++)
        {
            // 1 − U lies in (0, 1], so the logarithm is finite.
            time += -Math.Log(1 - random.NextDouble()) / rate;
            offsets[i] = time;
        }
        return offsets;
    }

    /// <summary>A 32-bit seed for <see cref="Random"/> from the 64-bit one, mixing both halves.</summary>
    internal static int SeedOf(long seed) => unchecked((int)seed ^ (int)(seed >> 32));
}
