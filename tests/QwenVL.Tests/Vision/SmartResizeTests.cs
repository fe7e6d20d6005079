using QwenVL.Runtime.Vision;
using Xunit;

namespace QwenVL.Tests.Vision;

public class SmartResizeTests
{
    private const int Factor = 28;
    private const int MinPixels = 3136;
    private const int MaxPixels = 12845056;

    // Expected values were worked by hand from the formula and agree with transformers 5.17's smart_resize.
    [Theory]
    // The fixture's images: plain rounding to multiples of 28 (round(100/28) = 4, round(150/28) = 5, ...).
    [InlineData(100, 150, 112, 140)]
    [InlineData(96, 320, 84, 308)]
    [InlineData(150, 200, 140, 196)]
    [InlineData(260, 90, 252, 84)]
    // 40x30 rounds to 28x28 < min_pixels: beta = sqrt(3136/1200), ceil(40·beta/28) = 3, ceil(30·beta/28) = 2.
    [InlineData(40, 30, 84, 56)]
    // Sides below the factor are not rejected in 5.17: 1x1 and 10x10 grow to the minimum area.
    [InlineData(1, 1, 56, 56)]
    [InlineData(10, 10, 56, 56)]
    [InlineData(100, 3, 336, 28)]
    // round(42/28) = round(1.5) = 2 and round(70/28) = round(2.5) = 2: Python rounds halves to even.
    [InlineData(42, 70, 56, 56)]
    // Exactly 200:1 is allowed.
    [InlineData(28, 5600, 28, 5600)]
    public void Compute_matches_transformers(int height, int width, int expectedHeight, int expectedWidth)
    {
        Assert.Equal((expectedHeight, expectedWidth), SmartResize.Compute(height, width, Factor, MinPixels, MaxPixels));
    }

    [Fact]
    public void Compute_scales_down_to_max_pixels()
    {
        // 4000x3000 rounds to 4004x2996 > 1003520: beta = sqrt(12e6/1003520) = 3.458..,
        // floor(4000/beta/28) = 41 -> 1148, floor(3000/beta/28) = 30 -> 840; 1148·840 = 964320 <= 1003520.
        Assert.Equal((1148, 840), SmartResize.Compute(4000, 3000, Factor, MinPixels, 28 * 28 * 1280));
    }

    [Fact]
    public void Compute_keeps_at_least_one_factor_per_side_when_scaling_down()
    {
        // 28x5600 under a 28·28·10 budget: beta = sqrt(20), floor(28/beta/28) = 0, which transformers lifts to one
        // factor, and floor(5600/beta/28) = 44. The result (28x1232) is then over the budget, as in transformers.
        Assert.Equal((28, 1232), SmartResize.Compute(28, 5600, Factor, 28 * 28, 28 * 28 * 10));
    }

    [Theory]
    [InlineData(28, 5601)]
    [InlineData(1, 201)]
    [InlineData(10000, 3)]
    public void Aspect_ratio_above_200_is_rejected(int height, int width)
    {
        var e = Assert.Throws<ArgumentException>(() => SmartResize.Compute(height, width, Factor, MinPixels, MaxPixels));
        Assert.Contains("aspect ratio", e.Message);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    [InlineData(-5, 10)]
    public void Non_positive_sides_are_rejected(int height, int width)
    {
        Assert.Throws<ArgumentException>(() => SmartResize.Compute(height, width, Factor, MinPixels, MaxPixels));
    }
}
