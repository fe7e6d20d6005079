using System.Globalization;

namespace QwenVL.App.Cli;

/// <summary>
/// Sizes and counts written as people write them on a command line, as vLLM reads them: <c>1000</c>, <c>32k</c>
/// (k, m, g, t: powers of 1000), <c>32K</c> (K, M, G, T: powers of 1024), and byte units <c>2GB</c> (1000s) or
/// <c>2GiB</c> (1024s); a fraction is allowed when the result is whole (<c>1.5GiB</c>).
/// </summary>
public static class HumanReadableNumber
{
    private static readonly (string Suffix, long Factor, bool IgnoreCase)[] Suffixes =
    [
        ("KiB", 1L << 10, true), ("MiB", 1L << 20, true), ("GiB", 1L << 30, true), ("TiB", 1L << 40, true),
        ("KB", 1_000, true), ("MB", 1_000_000, true), ("GB", 1_000_000_000, true), ("TB", 1_000_000_000_000, true),
        ("k", 1_000, false), ("m", 1_000_000, false), ("g", 1_000_000_000, false), ("t", 1_000_000_000_000, false),
        ("K", 1L << 10, false), ("M", 1L << 20, false), ("G", 1L << 30, false), ("T", 1L << 40, false),
        ("B", 1, true),
    ];

    public static bool TryParse(string text, out long value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        long factor = 1;
        foreach (var (suffix, f, ignoreCase) in Suffixes)
        {
            if (text.EndsWith(suffix, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            {
                factor = f;
                text = text[..^suffix.Length].TrimEnd();
                break;
            }
        }
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
        try
        {
            var product = number * factor;
            if (product != decimal.Truncate(product) || product > long.MaxValue) return false;
            value = (long)product;
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
