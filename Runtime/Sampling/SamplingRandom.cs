namespace QwenVL.Runtime.Sampling;

/// <summary>
/// Counter-based uniform numbers: the draw for (seed, step) depends on nothing else, so a sequence
/// resumed after preemption, or a GPU kernel sampling the same step, draws exactly the same number.
/// </summary>
/// <remarks>
/// The generator is SplitMix64. <c>Uniform(seed, step)</c> is output number <c>step</c> (0-based) of a
/// SplitMix64 stream whose initial state is <c>mix(seed)</c>; hashing the seed first keeps nearby seeds
/// (1, 2, 3 ...) from giving streams that are shifted copies of each other. The top 53 bits become a
/// double in [0, 1). A kernel needs only 64-bit multiply, add, xor and shift to reproduce it.
/// </remarks>
public static class SamplingRandom
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public static double Uniform(ulong seed, int step) => (Bits(seed, step) >> 11) * (1.0 / (1UL << 53));

    /// <summary>The raw 64-bit SplitMix64 output behind <see cref="Uniform"/>.</summary>
    public static ulong Bits(ulong seed, int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ulong state = Mix(seed) + Gamma * ((ulong)step + 1);
        return Mix(state);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
