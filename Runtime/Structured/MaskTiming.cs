using System.Diagnostics;
using System.Numerics;

namespace QwenVL.Runtime.Structured;

/// <summary>Percentiles, in microseconds, of mask fills and token accepts over random walks.</summary>
public sealed record MaskTimingResult(int Steps, int Outputs, double FillP50, double FillP99, double FillMax,
    double AcceptP50, double AcceptP99, int AutomatonStates, int CachedMasks);

/// <summary>
/// Times <see cref="GrammarMatcher.FillAllowed"/> and <see cref="GrammarMatcher.TryAccept"/> the way decoding
/// uses them: walks that pick a uniformly random allowed token each step, restarting when an output ends.
/// The first fill of a state includes computing its mask, so a fresh grammar shows the miss cost in the tail.
/// </summary>
public static class MaskTiming
{
    public static MaskTimingResult Measure(CompiledGrammar grammar, int endOfSequenceId, int steps, int seed, int maxTokensPerOutput = 400)
    {
        var matcher = new GrammarMatcher(grammar, [endOfSequenceId]);
        var mask = new ulong[grammar.Vocabulary.MaskWords];
        var random = new Random(seed);
        var fills = new double[steps];
        var accepts = new double[steps];
        var outputs = 0;
        var length = 0;
        for (var step = 0; step < steps; step++)
        {
            var started = Stopwatch.GetTimestamp();
            matcher.FillAllowed(mask);
            fills[step] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            var token = PickAllowed(mask, random);
            started = Stopwatch.GetTimestamp();
            matcher.TryAccept(token);
            accepts[step] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (matcher.IsTerminated || ++length >= maxTokensPerOutput)
            {
                outputs++;
                length = 0;
                matcher.Reset();
            }
        }
        Array.Sort(fills);
        Array.Sort(accepts);
        return new MaskTimingResult(steps, outputs, Percentile(fills, 0.5), Percentile(fills, 0.99), fills[^1],
            Percentile(accepts, 0.5), Percentile(accepts, 0.99), grammar.AutomatonStates, grammar.CachedMasks);
    }

    /// <summary>A uniformly random set bit of <paramref name="mask"/>; -1 when none is set.</summary>
    public static int PickAllowed(ReadOnlySpan<ulong> mask, Random random)
    {
        var total = 0;
        foreach (var word in mask) total += BitOperations.PopCount(word);
        if (total == 0) return -1;
        var target = random.Next(total);
        for (var w = 0; w < mask.Length; w++)
        {
            var count = BitOperations.PopCount(mask[w]);
            if (target >= count)
            {
                target -= count;
                continue;
            }
            var word = mask[w];
            for (; target > 0; target--) word &= word - 1;
            return (w << 6) + BitOperations.TrailingZeroCount(word);
        }
        return -1;
    }

    private static double Percentile(double[] sorted, double fraction) => sorted[Math.Min(sorted.Length - 1, (int)(fraction * sorted.Length))];
}
