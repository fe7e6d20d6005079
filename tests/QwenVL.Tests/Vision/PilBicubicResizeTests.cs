using System.Security.Cryptography;
using QwenVL.Runtime.Vision;
using Xunit;

namespace QwenVL.Tests.Vision;

public class PilBicubicResizeTests
{
    /// <summary>
    /// SHA-256 of Pillow 12.3's <c>Image.frombytes("RGB", (w, h), Noise(w, h, seed)).resize((W, H), Image.BICUBIC)</c>,
    /// seed = case number from 1. Noise drives the filter's overshoot into clipping on every row, and the sizes cover
    /// strong and fractional downscales, upscales (1×1 and 7×5 included), one axis only, and mixed directions.
    /// </summary>
    public static TheoryData<int, int, int, int, int, string> PillowCases => new()
    {
        { 1, 37, 23, 91, 57, "f982b9eaae640a2530a5fa27c6e533bdfd8af9669cbc0a8514329746aee52de8" },
        { 2, 200, 150, 56, 28, "a91be48e7c9deb5450f7496e7f4417008edafcc0e3da7df98933353e6f51d48f" },
        { 3, 640, 480, 56, 84, "5357687594d419b3a0463821d99def8fa29f49d0ca9f7c22bf85904ea9214102" },
        { 4, 30, 40, 56, 84, "13a6c5983bdb450c1bfc9018d7773b4d419a9d5eddf0f0fb4d77b731fa4715fa" },
        { 5, 320, 96, 308, 84, "a51f8d857b6ebc435235b6e9dc099c2561f6fff9b29cd8fa7b501f7b432f0a0e" },
        { 6, 90, 260, 84, 252, "70dc32736558bcbca887b3c6e5e7a32a9654fe39ab403e5e0ef3896227bfdfa5" },
        { 7, 50, 50, 50, 17, "9f65852fdb23e9bdcf28d8b3c89800ef448705856f3e132d59ecc1852211a652" },
        { 8, 50, 50, 13, 50, "7fddd3049bebfa007e1d4c6a703bdb5be50e7b9e4a2a94c280ee09695bbdef74" },
        { 9, 7, 5, 301, 203, "b9f2a2dee47d6d3715994dee8fafe29182b2e48720263c79e6a358791546d510" },
        { 10, 1, 1, 28, 28, "c0567fa226d083e88ac0b3fb1689ed00fda775939b82a20e98a0ae12d4b3fec7" },
        { 11, 1000, 3, 28, 28, "72d129ec5a7e6f5a0d82e27aedfaa79de742956db8628d40ccd8dca0a7d545f7" },
        { 12, 333, 777, 1001, 29, "68573f45d33a8e56cb74805953b6f3e589bd22c15eb47cdbc7fa2ff88e8fc471" },
    };

    [Theory]
    [MemberData(nameof(PillowCases))]
    public void Resize_is_bit_exact_with_pillow(int seed, int width, int height, int outWidth, int outHeight, string sha256)
    {
        var source = new RgbImage(width, height, Noise(width, height, seed));

        var resized = PilBicubicResize.Resize(source, outWidth, outHeight);

        Assert.Equal((outWidth, outHeight), (resized.Width, resized.Height));
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(resized.Pixels)));
    }

    [Fact]
    public void Same_size_returns_the_same_pixels_in_a_new_buffer()
    {
        var source = new RgbImage(9, 4, Noise(9, 4, seed: 3));

        var resized = PilBicubicResize.Resize(source, 9, 4);

        Assert.Equal(source.Pixels, resized.Pixels);
        Assert.NotSame(source.Pixels, resized.Pixels);
    }

    [Fact]
    public void Flat_colour_stays_flat_in_both_directions()
    {
        var pixels = new byte[20 * 10 * 3];
        for (int i = 0; i < pixels.Length; i += 3) (pixels[i], pixels[i + 1], pixels[i + 2]) = (12, 200, 77);
        var source = new RgbImage(20, 10, pixels);

        foreach (var (w, h) in new[] { (7, 3), (56, 28), (20, 31), (3, 10) })
        {
            var resized = PilBicubicResize.Resize(source, w, h);
            for (int i = 0; i < resized.Pixels.Length; i += 3)
                Assert.Equal((12, 200, 77), (resized.Pixels[i], resized.Pixels[i + 1], resized.Pixels[i + 2]));
        }
    }

    [Fact]
    public void Non_positive_target_size_is_rejected()
    {
        var source = new RgbImage(2, 2, new byte[12]);
        Assert.Throws<ArgumentOutOfRangeException>(() => PilBicubicResize.Resize(source, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => PilBicubicResize.Resize(source, 2, -1));
    }

    /// <summary>The C library LCG (x = x·1103515245 + 12345 mod 2^31), one byte from bits 16..23 per sample.</summary>
    internal static byte[] Noise(int width, int height, int seed)
    {
        var bytes = new byte[width * height * 3];
        long x = seed;
        for (int i = 0; i < bytes.Length; i++)
        {
            x = (x * 1103515245 + 12345) & 0x7fffffff;
            bytes[i] = (byte)(x >> 16);
        }
        return bytes;
    }
}
