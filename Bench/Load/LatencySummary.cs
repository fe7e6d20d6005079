namespace QwenVL.Bench.Load;

/// <summary>
/// Mean, median, standard deviation and percentiles of one latency metric, in milliseconds, computed as
/// benchmark_serving computes them with numpy, so numbers from the two tools compare: the population standard
/// deviation (ddof 0) and percentiles interpolated linearly between closest ranks (numpy's default). An empty sample
/// gives zeros, as benchmark_serving reports for a run where nothing succeeded.
/// </summary>
public sealed record LatencySummary(int Count, double MeanMs, double MedianMs, double StdMs, double P50Ms, double P90Ms, double P99Ms)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0);

    /// <summary>The summary of <paramref name="seconds"/> (in seconds, as measured), reported in milliseconds.</summary>
    public static LatencySummary OfSeconds(IEnumerable<double> seconds)
    {
        ArgumentNullException.ThrowIfNull(seconds);
        var sorted = seconds.Select(s => s * 1000).ToArray();
        if (sorted.Length == 0) return Empty;
        Array.Sort(sorted);
        double mean = sorted.Average();
        double variance = sorted.Sum(x => (x - mean) * (x - mean)) / sorted.Length;
        return new LatencySummary(sorted.Length, mean, Percentile(sorted, 50), Math.Sqrt(variance),
            Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99));
    }

    /// <summary>
    /// numpy's linear percentile of ascending values: the rank p/100 × (n − 1), interpolated between the values
    /// either side of it. So p0 is the minimum, p100 the maximum, and the median of an even count is the mean of the middle two.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> ascending, double p)
    {
        ArgumentNullException.ThrowIfNull(ascending);
        if (ascending.Count == 0) throw new ArgumentException("no values", nameof(ascending));
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 100);
        double rank = p / 100 * (ascending.Count - 1);
        int below = (int)Math.Floor(rank);
        int above = Math.Min(below + 1, ascending.Count - 1);
        double fraction = rank - below;
        return ascending[below] + fraction * (ascending[above] - ascending[below]);
    }
}
