using QwenVL.Runtime.Sampling;
using Xunit;

namespace QwenVL.Tests.Sampling;

public class WideningSumTests
{
    [Fact]
    public void Sum_keeps_small_terms_a_float_accumulator_would_lose()
    {
        // 1 + 2^20 terms of 2^-30: exactly 1 + 2^-10 in double; a float running sum stays at 1.
        var values = new float[(1 << 20) + 3];
        values[0] = 1f;
        for (int i = 1; i <= 1 << 20; i++) values[i] = MathF.ScaleB(1f, -30);
        Assert.Equal(1.0 + Math.ScaleB(1.0, -10), WideningSum.Of(values));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(19)]
    public void Sum_covers_lengths_that_are_not_a_multiple_of_the_vector_width(int length)
    {
        float[] values = Enumerable.Range(1, length).Select(i => (float)i).ToArray();
        Assert.Equal(length * (length + 1) / 2.0, WideningSum.Of(values));
    }
}
