using QwenVL.Runtime.Progress;

namespace QwenVL.App.Cli;

/// <summary>
/// Shows a <see cref="ProgressBoard"/> while start-up jobs run: on a terminal, a bar per job redrawn in place (a
/// finished job's bar stays above the live ones); otherwise, as log lines, one per running job every
/// <c>logInterval</c> and one when it finishes. Jobs shorter than their <see cref="ByteCounter.ShowAfter"/> are never shown.
/// Dispose draws the final state and stops.
/// </summary>
public sealed partial class ProgressDisplay : IAsyncDisposable
{
    private static readonly TimeSpan TerminalRefresh = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LogTick = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan DefaultLogInterval = TimeSpan.FromSeconds(10);
    /// <summary>The log category of progress lines.</summary>
    public const string LoggerName = "QwenVL.Http.Progress";

    private readonly ProgressBoard _board;
    private readonly ILogger _logger;
    private readonly TextWriter? _terminal;
    private readonly TimeSpan _logInterval;
    private readonly HashSet<ByteCounter> _ended = [];
    private readonly Dictionary<ByteCounter, TimeSpan> _lastLogged = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _liveLines;

    private ProgressDisplay(ProgressBoard board, ILogger logger, TextWriter? terminal, TimeSpan logInterval)
    {
        _board = board;
        _logger = logger;
        _terminal = terminal;
        _logInterval = logInterval;
        _loop = RunAsync();
    }

    /// <param name="board">The jobs to show.</param>
    /// <param name="logger">Where log lines go when there is no terminal.</param>
    /// <param name="terminal">A writer to a terminal for bars (see <see cref="ConsoleTerminal"/>); null: log lines.</param>
    /// <param name="logInterval">How often a running job is logged; default 10 s.</param>
    public static ProgressDisplay Start(ProgressBoard board, ILogger logger, TextWriter? terminal, TimeSpan? logInterval = null)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(logger);
        return new ProgressDisplay(board, logger, terminal, logInterval ?? DefaultLogInterval);
    }

    /// <summary>Standard error when it is a terminal that can move its cursor (bars go there, as tqdm's do); else null.</summary>
    public static TextWriter? ConsoleTerminal() =>
        !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not ("dumb" or "") ? Console.Error : null;

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(_terminal != null ? TerminalRefresh : LogTick);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) Render();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Render()
    {
        if (_terminal != null) DrawBars(_terminal);
        else WriteLogLines();
    }

    private void DrawBars(TextWriter terminal)
    {
        int width = TerminalWidth();
        var text = new System.Text.StringBuilder();
        // Back to the first live line and clear below it; finished bars are printed once, above the live ones.
        if (_liveLines > 0) text.Append($"\u001b[{_liveLines}F\u001b[J");
        var live = new List<ByteCounter>();
        foreach (var counter in _board.Counters)
        {
            if (_ended.Contains(counter) || !counter.IsVisible) continue;
            if (counter.IsFinished)
            {
                _ended.Add(counter);
                text.AppendLine(ProgressLine.Bar(counter, width));
            }
            else
            {
                live.Add(counter);
            }
        }
        foreach (var counter in live) text.AppendLine(ProgressLine.Bar(counter, width));
        _liveLines = live.Count;
        terminal.Write(text.ToString());
        terminal.Flush();
    }

    private void WriteLogLines()
    {
        foreach (var counter in _board.Counters)
        {
            if (_ended.Contains(counter) || !counter.IsVisible) continue;
            if (counter.IsFinished)
            {
                _ended.Add(counter);
                LogProgress(_logger, ProgressLine.Finished(counter));
                continue;
            }
            var elapsed = counter.Elapsed;
            if (elapsed - _lastLogged.GetValueOrDefault(counter) < _logInterval) continue;
            _lastLogged[counter] = elapsed;
            LogProgress(_logger, ProgressLine.Running(counter));
        }
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 20 ? Console.WindowWidth : 100;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 100;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Render();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Progress}")]
    private static partial void LogProgress(ILogger logger, string progress);
}
