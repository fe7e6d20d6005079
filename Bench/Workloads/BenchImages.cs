using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Vision;
using SkiaSharp;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// The benchmark's pictures, made as hf_baseline.py makes them: uniform random RGB at an eighth of the size, upscaled
/// with PIL's bicubic filter (448×448 from 56×56). torch's generator cannot be reproduced here, so the pixels come from
/// our counter-based <see cref="SamplingRandom"/>; the model's speed does not depend on them, only on the size.
/// </summary>
public static class BenchImages
{
    public const int Size = 448;

    /// <summary>
    /// The picture for <paramref name="seed"/> (hf_baseline.py's seeds) within <paramref name="workload"/>: each
    /// workload draws its own pictures, so no workload finds the prefix or encoder cache filled by another (Hugging
    /// Face has neither cache, and its seeds repeat across workloads).
    /// </summary>
    public static RgbImage Create(string workload, int seed, int size = Size)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 8);
        int small = size / 8;
        var pixels = new byte[small * small * RgbImage.Channels];
        ulong stream = StreamOf(workload, seed);
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(SamplingRandom.Uniform(stream, i) * 256);
        return PilBicubicResize.Resize(new RgbImage(small, small, pixels), size, size);
    }

    /// <summary>The picture as a PNG data URL, the way a client sends it (lossless, so the server decodes these pixels).</summary>
    public static string DataUrl(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var rgba = new byte[image.Width * image.Height * 4];
        for (int p = 0, q = 0; p < image.Pixels.Length; p += 3, q += 4)
        {
            rgba[q] = image.Pixels[p];
            rgba[q + 1] = image.Pixels[p + 1];
            rgba[q + 2] = image.Pixels[p + 2];
            rgba[q + 3] = 255;
        }
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var picture = SKImage.FromPixelCopy(info, rgba);
        using var png = picture.Encode(SKEncodedImageFormat.Png, 100);
        return "data:image/png;base64," + Convert.ToBase64String(png.AsSpan());
    }

    /// <summary>FNV-1a of the workload's name, then the seed: a distinct random stream per (workload, seed).</summary>
    private static ulong StreamOf(string workload, int seed)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in workload) hash = (hash ^ c) * 1099511628211UL;
        return (hash ^ (uint)seed) * 1099511628211UL;
    }
}
