using QwenVL.Runtime.Sampling;

namespace QwenVL.Tests.Sampling;

/// <summary>Builds sampler inputs for tests: contexts, logits with known probabilities, draw histograms.</summary>
internal static class SamplingScenario
{
    public static SamplingContext Context(SamplingParams p, int[]? prompt = null, int[]? output = null,
        ulong seed = 0, int[]? stopTokenIds = null) =>
        new(p, prompt ?? [], output ?? [], seed, stopTokenIds ?? []);

    /// <summary>Logits whose softmax is exactly the given distribution (up to float rounding).</summary>
    public static float[] LogitsOf(params double[] probabilities)
    {
        var logits = new float[probabilities.Length];
        for (int i = 0; i < logits.Length; i++) logits[i] = (float)Math.Log(probabilities[i]);
        return logits;
    }

    /// <summary>
    /// How often each token is chosen over <paramref name="draws"/> consecutive steps of one sequence.
    /// Step i is a context with i output tokens, so each draw uses a different uniform number; the output
    /// tokens only matter to penalties, which is why histogram params must not set any.
    /// </summary>
    public static int[] Histogram(float[] logits, SamplingParams p, int draws, ulong seed = 7)
    {
        if (p.RepetitionPenalty != 1 || p.PresencePenalty != 0 || p.FrequencyPenalty != 0 || p.MinTokens != 0)
            throw new ArgumentException("histogram steps fake their output tokens; penalties would see them");
        var sampler = new Sampler(logits.Length);
        var output = new int[draws];
        var counts = new int[logits.Length];
        for (int step = 0; step < draws; step++)
        {
            var context = new SamplingContext(p, ReadOnlyMemory<int>.Empty, output.AsMemory(0, step), seed, ReadOnlyMemory<int>.Empty);
            counts[sampler.Sample(logits, context).TokenId]++;
        }
        return counts;
    }

    /// <summary>The token ids chosen at least once.</summary>
    public static int[] Chosen(int[] histogram)
    {
        var chosen = new List<int>();
        for (int id = 0; id < histogram.Length; id++)
            if (histogram[id] > 0) chosen.Add(id);
        return [.. chosen];
    }
}
