namespace QwenVL.Runtime.Progress;

/// <summary>
/// The long jobs of a start-up (downloads, weight loading), in the order they began. Workers start counters here;
/// a display polls <see cref="Counters"/>. Thread-safe.
/// </summary>
public sealed class ProgressBoard
{
    private readonly List<ByteCounter> _counters = [];

    /// <summary>A new counter at <paramref name="initial"/> of <paramref name="total"/> bytes (0: unknown).</summary>
    public ByteCounter Start(string label, long total, long initial = 0, TimeSpan showAfter = default)
    {
        ArgumentNullException.ThrowIfNull(label);
        var counter = new ByteCounter(label, total, initial, showAfter);
        lock (_counters) _counters.Add(counter);
        return counter;
    }

    public IReadOnlyList<ByteCounter> Counters
    {
        get
        {
            lock (_counters) return [.. _counters];
        }
    }
}
