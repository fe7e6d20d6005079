namespace QwenVL.Runtime.Vision;

/// <summary>
/// transformers' Qwen2-VL <c>smart_resize</c> (5.17): the size an image is resized to before patching — both sides
/// multiples of <c>factor</c>, area within [minPixels, maxPixels], aspect ratio kept as far as rounding allows.
/// </summary>
public static class SmartResize
{
    private const double MaxAspectRatio = 200;

    /// <summary>
    /// Mirrors Python's arithmetic step by step: every quotient is an IEEE double (Python's true division of ints is
    /// correctly rounded, and every int here is exact in a double), <c>round</c> is half-to-even.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A side is not positive (Python raises ZeroDivisionError), or the aspect ratio is above 200 (ValueError).
    /// transformers 5.17 no longer rejects sides shorter than <paramref name="factor"/>: a 1×1 image becomes 56×56.
    /// </exception>
    public static (int Height, int Width) Compute(int height, int width, int factor, int minPixels, int maxPixels)
    {
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"image sides must be positive, got height {height}, width {width}");
        if (factor <= 0)
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must be positive");
        double aspect = (double)Math.Max(height, width) / Math.Min(height, width);
        if (aspect > MaxAspectRatio)
            throw new ArgumentException($"absolute aspect ratio must be smaller than 200, got {aspect} ({height}x{width})");

        long hBar = RoundHalfEven((double)height / factor) * factor;
        long wBar = RoundHalfEven((double)width / factor) * factor;
        double area = (double)((long)height * width);
        if (hBar * wBar > maxPixels)
        {
            double beta = Math.Sqrt(area / maxPixels);
            hBar = Math.Max(factor, (long)Math.Floor(height / beta / factor) * factor);
            wBar = Math.Max(factor, (long)Math.Floor(width / beta / factor) * factor);
        }
        else if (hBar * wBar < minPixels)
        {
            double beta = Math.Sqrt(minPixels / area);
            hBar = (long)Math.Ceiling(height * beta / factor) * factor;
            wBar = (long)Math.Ceiling(width * beta / factor) * factor;
        }
        return (checked((int)hBar), checked((int)wBar));
    }

    private static long RoundHalfEven(double value) => (long)Math.Round(value, MidpointRounding.ToEven);
}
