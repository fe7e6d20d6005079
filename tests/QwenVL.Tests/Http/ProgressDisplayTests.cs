using System.Collections.Concurrent;
using QwenVL.Runtime.Progress;
using Xunit;
using QwenVL.App.Cli;

namespace QwenVL.Tests.Http;

/// <summary>Progress as a bar on a terminal and as log lines elsewhere; quick jobs stay quiet.</summary>
public class ProgressDisplayTests
{
    [Fact]
    public void A_bar_shows_percent_bytes_and_fits_the_width()
    {
        var counter = new ProgressBoard().Start("model.safetensors", 4L << 30, initial: 1L << 30);

        var line = ProgressLine.Bar(counter, 100);

        Assert.StartsWith("model.safetensors  25%|█████████", line, StringComparison.Ordinal);
        Assert.Contains("1.00 GiB/4.00 GiB [", line, StringComparison.Ordinal);
        Assert.True(line.Length <= 100, line);
    }

    [Fact]
    public void A_long_label_is_cut_from_the_left()
    {
        var counter = new ProgressBoard().Start(new string('x', 30) + "model-00001-of-00002.safetensors", 100);

        Assert.StartsWith("(…)", ProgressLine.Bar(counter, 120), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(1536, "1.50 KiB")]
    [InlineData(4418119680L, "4.11 GiB")]
    public void Sizes_are_binary_units(long bytes, string text) => Assert.Equal(text, ProgressLine.Bytes(bytes));

    [Theory]
    [InlineData(12.34, "12.3 s")]
    [InlineData(81, "1m21s")]
    [InlineData(3720, "1h02m")]
    public void Durations_read_naturally(double seconds, string text) => Assert.Equal(text, ProgressLine.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public async Task Without_a_terminal_running_jobs_are_logged_periodically_and_finished_ones_once()
    {
        var board = new ProgressBoard();
        var lines = new ConcurrentQueue<string>();
        var running = board.Start("model.safetensors", 1000);
        running.Add(250);
        var done = board.Start("config.json", 10);
        done.Add(10);
        done.Finish();

        await using (ProgressDisplay.Start(board, new LineLogger(lines), terminal: null, logInterval: TimeSpan.Zero))
        {
            await WaitUntilAsync(() => lines.Any(l => l.StartsWith("model.safetensors: 250 B of 1000 B (25%)", StringComparison.Ordinal)));
        }

        Assert.Single(lines, l => l.StartsWith("config.json: 10 B in ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_quicker_than_its_show_after_is_never_shown()
    {
        var board = new ProgressBoard();
        var lines = new ConcurrentQueue<string>();
        var weights = board.Start("Loading safetensors weights", 1000, showAfter: TimeSpan.FromSeconds(30));

        await using (ProgressDisplay.Start(board, new LineLogger(lines), terminal: null, logInterval: TimeSpan.Zero))
        {
            weights.Add(1000);
            weights.Finish();
        }

        Assert.Empty(lines);
    }

    [Fact]
    public async Task On_a_terminal_finished_bars_stay_and_live_ones_are_redrawn()
    {
        var board = new ProgressBoard();
        var terminal = new StringWriter();
        var file = board.Start("tokenizer.json", 100);

        await using (ProgressDisplay.Start(board, new LineLogger(new ConcurrentQueue<string>()), terminal))
        {
            file.Add(100);
            file.Finish();
        }

        var text = terminal.ToString();
        Assert.Contains("tokenizer.json 100%|", text, StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine, text, StringComparison.Ordinal);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition()) await Task.Delay(20, timeout.Token);
    }
}
