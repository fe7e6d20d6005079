namespace QwenVL.Runtime.Vision;

/// <summary>The least and most pixels an image may be resized to (Qwen2-VL's min_pixels and max_pixels).</summary>
public sealed record PixelBounds
{
    public int Min { get; }
    public int Max { get; }

    public PixelBounds(int min, int max)
    {
        if (min <= 0 || max < min)
            throw new ArgumentException($"pixel bounds must satisfy 0 < min_pixels <= max_pixels, got {min} and {max}");
        Min = min;
        Max = max;
    }

    /// <summary><paramref name="pixels"/> moved into these bounds.</summary>
    public int Clamp(int pixels) => Math.Clamp(pixels, Min, Max);

    public override string ToString() => $"[{Min}, {Max}]";
}
