using System.Globalization;
using System.Text;
using QwenVL.Runtime.Progress;

namespace QwenVL.App.Cli;

/// <summary>
/// How one <see cref="ByteCounter"/> reads: a tqdm-style bar for a terminal
/// (<c>model.safetensors  38%|███▊      | 1.52G/3.97G [00:31&lt;00:50, 48.9MiB/s]</c>) and plain sentences for logs.
/// </summary>
public static class ProgressLine
{
    private const int MaxLabelLength = 40;
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>The bar line, fitted into <paramref name="width"/> columns (the bar shrinks first).</summary>
    public static string Bar(ByteCounter counter, int width)
    {
        ArgumentNullException.ThrowIfNull(counter);
        var label = Label(counter.Label);
        var stats = counter.Total > 0
            ? $" {Bytes(counter.Done)}/{Bytes(counter.Total)} [{Clock(counter.Elapsed)}<{(counter.IsFinished ? Clock(TimeSpan.Zero) : Eta(counter))}, {Rate(counter)}]"
            : $" {Bytes(counter.Done)} [{Clock(counter.Elapsed)}, {Rate(counter)}]";
        if (counter.Total <= 0) return label + stats;
        double share = Math.Clamp(counter.Done / (double)counter.Total, 0, 1);
        var percent = $" {(int)(share * 100),3}%|";
        int barWidth = Math.Clamp(width - label.Length - percent.Length - stats.Length - 2, 0, 40);
        return barWidth < 5 ? label + $" {(int)(share * 100),3}%" + stats : label + percent + Blocks(share, barWidth) + "|" + stats;
    }

    /// <summary>A log sentence for a job under way: <c>model.safetensors: 1.52 GiB of 3.97 GiB (38%), 48.9 MiB/s, 50 s left</c>.</summary>
    public static string Running(ByteCounter counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        var done = counter.Total > 0
            ? $"{Bytes(counter.Done)} of {Bytes(counter.Total)} ({(int)(Math.Clamp(counter.Done / (double)counter.Total, 0, 1) * 100)}%)"
            : Bytes(counter.Done);
        var left = counter.Remaining is { } remaining ? $", {Duration(remaining)} left" : "";
        return $"{counter.Label}: {done}, {Rate(counter)}{left}";
    }

    /// <summary>A log sentence for a finished job: <c>model.safetensors: 3.97 GiB in 1m21s (48.9 MiB/s)</c>.</summary>
    public static string Finished(ByteCounter counter)
    {
        ArgumentNullException.ThrowIfNull(counter);
        return $"{counter.Label}: {Bytes(counter.Done)} in {Duration(counter.Elapsed)} ({Rate(counter)})";
    }

    public static string Bytes(long bytes)
    {
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : string.Create(CultureInfo.InvariantCulture, $"{value:0.00} {Units[unit]}");
    }

    /// <summary>Seconds below a minute with one decimal, then 1m21s, then 1h02m.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span.TotalSeconds < 60) return string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.0} s");
        if (span.TotalHours < 1) return $"{(int)span.TotalMinutes}m{span.Seconds:00}s";
        return $"{(int)span.TotalHours}h{span.Minutes:00}m";
    }

    private static string Rate(ByteCounter counter) => Bytes((long)counter.Rate) + "/s";

    private static string Eta(ByteCounter counter) => counter.Remaining is { } remaining ? Clock(remaining) : "?";

    private static string Clock(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours}:{span.Minutes:00}:{span.Seconds:00}" : $"{span.Minutes:00}:{span.Seconds:00}";

    private static string Label(string label) => label.Length <= MaxLabelLength ? label : "(…)" + label[^(MaxLabelLength - 3)..];

    /// <summary>Full blocks, then one eighth-block for the fraction, as tqdm draws.</summary>
    private static string Blocks(double share, int width)
    {
        var bar = new StringBuilder(width);
        double cells = share * width;
        int full = (int)cells;
        bar.Append('█', full);
        if (full < width)
        {
            int eighths = (int)((cells - full) * 8);
            bar.Append(eighths == 0 ? ' ' : "▏▎▍▌▋▊▉"[eighths - 1]);
            bar.Append(' ', width - full - 1);
        }
        return bar.ToString();
    }
}
