using QwenVL.Runtime.Cpu;
using Xunit;

namespace QwenVL.Tests.Cpu;

public class CpuActivationsTests
{
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.3, 0.3286267594591112)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(-2.0, -0.9953222650189527)]
    [InlineData(3.5, 0.9999992569016276)]
    [InlineData(5.0, 0.9999999999984626)]
    public void Erf_matches_known_values(double x, double expected) =>
        Assert.Equal(expected, CpuActivations.Erf(x), 2e-7);

    [Fact]
    public void Gelu_and_quick_gelu_match_their_definitions()
    {
        float[] x = [-3f, -0.5f, 0f, 0.7f, 2.5f];
        var gelu = (float[])x.Clone();
        CpuActivations.Gelu(gelu);
        Assert.Equal(0.7 * 0.7580363477769270, gelu[3], 1e-6); // x·Φ(x), Φ the normal CDF
        Assert.Equal(-3 * 0.0013498980316301, gelu[0], 1e-6);
        var quick = (float[])x.Clone();
        CpuActivations.QuickGelu(quick);
        Assert.Equal(2.5 / (1 + Math.Exp(-1.702 * 2.5)), quick[4], 1e-6);
    }
}
