using System.Diagnostics;
using System.Globalization;
using QwenVL.Bench.Load;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// Progress of a running benchmark on standard error: requests done of the total, failures, request and output-token
/// rates, elapsed time. On a terminal one line is redrawn in place twice a second; otherwise (a log, a pipe) a line is
/// written every <c>logInterval</c>, so a long run does not flood it. Dispose writes the final line.
/// </summary>
public sealed class BenchProgress : IAsyncDisposable
{
    public static readonly TimeSpan DefaultLogInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TerminalRefresh = TimeSpan.FromMilliseconds(500);

    private readonly int _total;
    private readonly TextWriter _writer;
    private readonly bool _terminal;
    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _done;
    private int _failed;
    private long _outputTokens;

    public BenchProgress(int total, TextWriter writer, bool terminal, TimeSpan? logInterval = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _total = total;
        _writer = writer;
        _terminal = terminal;
        _loop = RunAsync(terminal ? TerminalRefresh : logInterval ?? DefaultLogInterval);
    }

    /// <summary>Counts a finished request; called from many requests' threads at once.</summary>
    public void Record(RequestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Interlocked.Add(ref _outputTokens, outcome.OutputTokens);
        if (!outcome.Success) Interlocked.Increment(ref _failed);
        Interlocked.Increment(ref _done);
    }

    /// <summary><c>37/100 requests, 2 failed, 3.21 req/s, 412.5 output tok/s, 11.5 s</c></summary>
    public string Line()
    {
        double seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        int done = Volatile.Read(ref _done);
        int failed = Volatile.Read(ref _failed);
        long tokens = Interlocked.Read(ref _outputTokens);
        double rate = seconds > 0 ? done / seconds : 0, tokenRate = seconds > 0 ? tokens / seconds : 0;
        var failures = failed > 0 ? $", {failed} failed" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{done}/{_total} requests{failures}, {rate:0.00} req/s, {tokenRate:0.0} output tok/s, {seconds:0.0} s");
    }

    private async Task RunAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) Write(final: false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Write(bool final)
    {
        // \r and clear-to-end-of-line redraw the one line; the final line ends it.
        if (_terminal) _writer.Write("\r\u001b[K" + Line() + (final ? Environment.NewLine : ""));
        else _writer.WriteLine(Line());
        _writer.Flush();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Write(final: true);
        _stop.Dispose();
    }
}
