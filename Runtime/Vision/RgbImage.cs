namespace QwenVL.Runtime.Vision;

/// <summary>A decoded picture: RGB24, row-major, 3 bytes per pixel, no padding between rows.</summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    public const int Channels = 3;

    public int Width { get; init; } = Width > 0 ? Width : throw new ArgumentOutOfRangeException(nameof(Width), Width, "width must be positive");

    public int Height { get; init; } = Height > 0 ? Height : throw new ArgumentOutOfRangeException(nameof(Height), Height, "height must be positive");

    public byte[] Pixels { get; init; } = Pixels.Length == (long)Width * Height * Channels
        ? Pixels
        : throw new ArgumentException($"{Width}x{Height} RGB needs {(long)Width * Height * Channels} bytes, got {Pixels.Length}", nameof(Pixels));
}
