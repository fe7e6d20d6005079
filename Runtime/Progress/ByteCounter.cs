using System.Diagnostics;

namespace QwenVL.Runtime.Progress;

/// <summary>
/// Bytes done of one long job (a file download, the weights read into memory). The worker adds to it from any
/// thread; a display reads it on its own timer, so counting never waits for drawing.
/// </summary>
public sealed class ByteCounter
{
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private long _done;
    private long _initial;
    private long _finishTimestamp;

    internal ByteCounter(string label, long total, long initial, TimeSpan showAfter)
    {
        Label = label;
        Total = total;
        _done = initial;
        _initial = initial;
        ShowAfter = showAfter;
    }

    public string Label { get; }
    /// <summary>The bytes the job will have done when complete; 0 when unknown.</summary>
    public long Total { get; }
    /// <summary>A display leaves the job out until it has run this long, so quick jobs make no noise.</summary>
    public TimeSpan ShowAfter { get; }
    public long Done => Volatile.Read(ref _done);
    /// <summary>Bytes that were already there when the job started (a resumed download); they do not count toward the rate.</summary>
    public long Initial => Volatile.Read(ref _initial);
    public bool IsFinished => Volatile.Read(ref _finishTimestamp) != 0;

    /// <summary>Time since the start, frozen when the job finished.</summary>
    public TimeSpan Elapsed
    {
        get
        {
            long end = Volatile.Read(ref _finishTimestamp);
            return Stopwatch.GetElapsedTime(_startTimestamp, end == 0 ? Stopwatch.GetTimestamp() : end);
        }
    }

    public bool IsVisible => Elapsed >= ShowAfter;

    /// <summary>Bytes per second since the start, not counting <see cref="Initial"/>.</summary>
    public double Rate
    {
        get
        {
            double seconds = Elapsed.TotalSeconds;
            return seconds > 0 ? (Done - Initial) / seconds : 0;
        }
    }

    /// <summary>The time left at the current rate; null while unknown.</summary>
    public TimeSpan? Remaining
    {
        get
        {
            double rate = Rate;
            if (Total <= 0 || rate <= 0) return null;
            return TimeSpan.FromSeconds(Math.Max(0, Total - Done) / rate);
        }
    }

    public void Add(long bytes) => Interlocked.Add(ref _done, bytes);

    /// <summary>The job starts over from <paramref name="done"/> bytes (a download the server would not resume, a discarded file).</summary>
    public void Restart(long done)
    {
        Volatile.Write(ref _initial, done);
        Volatile.Write(ref _done, done);
    }

    /// <summary>
    /// Ends the job; a completed one that knew its total shows it whole (a loader may skip bytes it has no use for),
    /// a failed one stays where it stopped.
    /// </summary>
    public void Finish(bool completed = true)
    {
        if (completed && Total > 0) Volatile.Write(ref _done, Math.Max(Done, Total));
        Interlocked.CompareExchange(ref _finishTimestamp, Stopwatch.GetTimestamp(), 0);
    }
}
