using SkiaSharp;

namespace QwenVL.Bench.Load;

/// <summary>
/// A picture made from a seed: a two-colour gradient with a few filled rectangles and discs over it. Every request of a
/// benchmark gets its own, so the server's prefix and encoder caches cannot answer one image from another, and the same
/// seed gives the same bytes on every run. The pixels are computed here and SkiaSharp only encodes them, so the picture
/// does not depend on a drawing library's anti-aliasing.
/// </summary>
public static class SyntheticImage
{
    /// <summary>Qwen2-VL's 448×448 becomes a 32×32 patch grid: 256 image tokens after the 2×2 merge.</summary>
    public const int DefaultSize = 448;

    private const int JpegQuality = 90;

    /// <summary>RGBA pixels (opaque), row by row.</summary>
    public static byte[] Pixels(int seed, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var random = new Random(seed);
        var pixels = new byte[width * height * 4];
        FillGradient(pixels, width, height, random);
        int shapes = random.Next(4, 10);
        for (int i = 0; i < shapes; i++)
        {
            var color = RandomColor(random);
            int x0 = random.Next(width), y0 = random.Next(height);
            int w = random.Next(width / 16, width / 2), h = random.Next(height / 16, height / 2);
            if (random.Next(2) == 0) FillRectangle(pixels, width, height, x0, y0, w, h, color);
            else FillDisc(pixels, width, height, x0, y0, Math.Min(w, h) / 2, color);
        }
        return pixels;
    }

    public static byte[] Encode(int seed, BenchImageFormat format, int size = DefaultSize)
    {
        var pixels = Pixels(seed, size, size);
        var info = new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, pixels) ?? throw new InvalidOperationException("SkiaSharp could not take the pixels");
        using var data = image.Encode(format == BenchImageFormat.Png ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg,
            format == BenchImageFormat.Png ? 100 : JpegQuality)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode {format}");
        return data.ToArray();
    }

    public static string DataUrl(int seed, BenchImageFormat format, int size = DefaultSize)
    {
        var mime = format == BenchImageFormat.Png ? "image/png" : "image/jpeg";
        return $"data:{mime};base64,{Convert.ToBase64String(Encode(seed, format, size))}";
    }

    private static (byte R, byte G, byte B) RandomColor(Random random) =>
        ((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));

    /// <summary>From one colour to another along a random direction across the picture.</summary>
    private static void FillGradient(byte[] pixels, int width, int height, Random random)
    {
        var (from, to) = (RandomColor(random), RandomColor(random));
        double angle = random.NextDouble() * 2 * Math.PI;
        double dx = Math.Cos(angle), dy = Math.Sin(angle);
        // Projections of the corners give the range to spread the gradient over.
        double[] corners = [0, dx * (width - 1), dy * (height - 1), dx * (width - 1) + dy * (height - 1)];
        double low = corners.Min(), span = Math.Max(corners.Max() - low, 1);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double t = (x * dx + y * dy - low) / span;
                SetPixel(pixels, (y * width + x) * 4, Mix(from.R, to.R, t), Mix(from.G, to.G, t), Mix(from.B, to.B, t));
            }
        }
    }

    private static void FillRectangle(byte[] pixels, int width, int height, int x0, int y0, int w, int h, (byte R, byte G, byte B) color)
    {
        for (int y = y0; y < Math.Min(y0 + h, height); y++)
            for (int x = x0; x < Math.Min(x0 + w, width); x++)
                SetPixel(pixels, (y * width + x) * 4, color.R, color.G, color.B);
    }

    private static void FillDisc(byte[] pixels, int width, int height, int cx, int cy, int radius, (byte R, byte G, byte B) color)
    {
        for (int y = Math.Max(cy - radius, 0); y <= Math.Min(cy + radius, height - 1); y++)
        {
            for (int x = Math.Max(cx - radius, 0); x <= Math.Min(cx + radius, width - 1); x++)
            {
                int ddx = x - cx, ddy = y - cy;
                if (ddx * ddx + ddy * ddy <= radius * radius) SetPixel(pixels, (y * width + x) * 4, color.R, color.G, color.B);
            }
        }
    }

    private static byte Mix(byte a, byte b, double t) => (byte)Math.Round(a + (b - a) * t);

    private static void SetPixel(byte[] pixels, int offset, byte r, byte g, byte b)
    {
        pixels[offset] = r;
        pixels[offset + 1] = g;
        pixels[offset + 2] = b;
        pixels[offset + 3] = 255;
    }
}
