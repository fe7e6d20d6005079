namespace QwenVL.Http.Metrics;

/// <summary>
/// A Prometheus histogram of seconds with fixed upper bounds: lock-free observation from any request's thread,
/// and a snapshot with cumulative bucket counts for the exposition.
/// </summary>
public sealed class LatencyHistogram
{
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private long _count;
    private long _sumBits;

    public LatencyHistogram(double[] bounds)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        for (int i = 1; i < bounds.Length; i++)
            if (!(bounds[i] > bounds[i - 1])) throw new ArgumentException("bucket bounds must increase", nameof(bounds));
        _bounds = bounds;
        _counts = new long[bounds.Length];
    }

    public void Observe(double seconds)
    {
        int bucket = Array.BinarySearch(_bounds, seconds);
        if (bucket < 0) bucket = ~bucket;
        // Values above the last bound count only in +Inf, which is the total count.
        if (bucket < _counts.Length) Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _count);
        long seen = Interlocked.Read(ref _sumBits);
        while (true)
        {
            long updated = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + seconds);
            long found = Interlocked.CompareExchange(ref _sumBits, updated, seen);
            if (found == seen) break;
            seen = found;
        }
    }

    public HistogramSnapshot Snapshot()
    {
        var cumulative = new long[_counts.Length];
        long running = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            cumulative[i] = running;
        }
        // Read after the buckets, so the total is never below the last bucket's count.
        long count = Math.Max(running, Interlocked.Read(ref _count));
        return new HistogramSnapshot(_bounds, cumulative, count, BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits)));
    }
}

/// <summary>A histogram's state: <see cref="Cumulative"/>[i] counts observations up to <see cref="Bounds"/>[i].</summary>
public sealed record HistogramSnapshot(IReadOnlyList<double> Bounds, IReadOnlyList<long> Cumulative, long Count, double Sum);
