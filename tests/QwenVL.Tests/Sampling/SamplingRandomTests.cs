using QwenVL.Runtime.Sampling;
using Xunit;

namespace QwenVL.Tests.Sampling;

public class SamplingRandomTests
{
    [Fact]
    public void Bits_of_seed_zero_are_the_splitmix64_reference_stream()
    {
        // mix(0) == 0, so seed 0 starts SplitMix64 from state 0, whose published outputs these are.
        // A GPU kernel that reproduces them draws the same numbers as this sampler.
        Assert.Equal(0xE220A8397B1DCDAFUL, SamplingRandom.Bits(0, 0));
        Assert.Equal(0x6E789E6AA1B965F4UL, SamplingRandom.Bits(0, 1));
        Assert.Equal(0x06C45D188009454FUL, SamplingRandom.Bits(0, 2));
    }

    [Fact]
    public void Uniform_is_a_pure_function_of_seed_and_step_in_unit_interval()
    {
        double sum = 0;
        for (int step = 0; step < 10_000; step++)
        {
            double u = SamplingRandom.Uniform(42, step);
            Assert.InRange(u, 0.0, 0.9999999999999999);
            Assert.Equal(u, SamplingRandom.Uniform(42, step));
            sum += u;
        }
        Assert.InRange(sum / 10_000, 0.49, 0.51);
        Assert.NotEqual(SamplingRandom.Uniform(1, 0), SamplingRandom.Uniform(2, 0));
        Assert.NotEqual(SamplingRandom.Uniform(1, 0), SamplingRandom.Uniform(1, 1));
    }
}
