namespace QwenVL.Actors;

/// <summary>
/// The latest latency samples, each with the time it was taken, in a fixed ring; percentiles are taken over the samples
/// of a trailing window. Adding allocates nothing; a full ring overwrites its oldest sample, so under a load of more
/// than <c>capacity</c> samples per window the percentiles cover the latest <c>capacity</c>. Not thread-safe: one owner.
/// </summary>
public sealed class LatencyWindow
{
    private readonly long[] _takenAt;
    private readonly double[] _seconds;
    private readonly double[] _scratch;
    private readonly long _windowTicks;
    private int _next, _count;

    public LatencyWindow(int capacity, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _takenAt = new long[capacity];
        _seconds = new double[capacity];
        _scratch = new double[capacity];
        _windowTicks = window.Ticks;
    }

    public void Add(DateTimeOffset takenAt, double seconds)
    {
        _takenAt[_next] = takenAt.UtcTicks;
        _seconds[_next] = seconds;
        _next = (_next + 1) % _takenAt.Length;
        _count = Math.Min(_count + 1, _takenAt.Length);
    }

    /// <summary>p50, p90 and p99 (nearest rank) of the samples taken within the window before <paramref name="now"/>.</summary>
    public LatencyPercentiles Percentiles(DateTimeOffset now)
    {
        long since = now.UtcTicks - _windowTicks;
        int n = 0;
        for (int i = 0; i < _count; i++)
            if (_takenAt[i] >= since) _scratch[n++] = _seconds[i];
        if (n == 0) return LatencyPercentiles.None;
        var sorted = _scratch.AsSpan(0, n);
        sorted.Sort();
        return new LatencyPercentiles(n, Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99));
    }

    private static double Rank(ReadOnlySpan<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
