using QwenVL.Cuda;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class BFloat16Tests
{
    [Theory]
    [InlineData(1.0f, 0x3F80)]
    [InlineData(-2.0f, 0xC000)]
    [InlineData(0.0f, 0x0000)]
    [InlineData(float.PositiveInfinity, 0x7F80)]
    public void Exact_values_keep_their_top_bits(float value, int bits)
    {
        Assert.Equal((ushort)bits, BFloat16.FromSingle(value));
        Assert.Equal(value, BFloat16.ToSingle((ushort)bits));
    }

    [Fact]
    public void Rounding_is_to_nearest_with_ties_to_even()
    {
        // 1 + 2^-8 lies halfway between 1 (even mantissa) and 1 + 2^-7: ties go to the even one.
        Assert.Equal(0x3F80, BFloat16.FromSingle(1f + MathF.Pow(2, -8)));
        // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up.
        Assert.Equal(0x3F82, BFloat16.FromSingle(1f + 3 * MathF.Pow(2, -8)));
        // just above halfway rounds up
        Assert.Equal(0x3F81, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(0x3F808001)));
    }

    [Fact]
    public void NaN_stays_NaN()
    {
        Assert.True(float.IsNaN(BFloat16.ToSingle(BFloat16.FromSingle(float.NaN))));
        Assert.True(float.IsNaN(BFloat16.ToSingle(0x7FC0)));
    }
}
