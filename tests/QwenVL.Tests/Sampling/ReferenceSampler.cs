using QwenVL.Runtime.Sampling;

namespace QwenVL.Tests.Sampling;

/// <summary>
/// The sampling rule written the obvious way: penalties, then probabilities in double, a full sort,
/// and cumulative sums. Slow, but easy to check against vLLM by eye; the real sampler must agree with it.
/// </summary>
internal static class ReferenceSampler
{
    public static int Sample(float[] rawLogits, in SamplingContext context)
    {
        SamplingParams p = context.Params;
        float[] logits = (float[])rawLogits.Clone();
        int[] output = context.OutputTokens.ToArray();
        if (output.Length < p.MinTokens)
            foreach (int id in context.StopTokenIds.Span) logits[id] = float.NegativeInfinity;
        if (p.RepetitionPenalty != 1)
            foreach (int id in context.PromptTokens.ToArray().Concat(output).Distinct())
                logits[id] = logits[id] > 0 ? logits[id] / (float)p.RepetitionPenalty : logits[id] * (float)p.RepetitionPenalty;
        foreach (var group in output.GroupBy(id => id))
        {
            logits[group.Key] -= (float)p.FrequencyPenalty * group.Count();
            logits[group.Key] -= (float)p.PresencePenalty;
        }

        if (p.IsGreedy) return Array.IndexOf(logits, logits.Max());

        double max = logits.Max();
        var candidates = Enumerable.Range(0, logits.Length)
            .Select(id => (Id: id, Weight: Math.Exp((logits[id] - max) / p.Temperature)))
            .Where(c => c.Weight > 0 && c.Weight >= p.MinP)
            .OrderByDescending(c => c.Weight).ThenBy(c => c.Id)
            .ToList();
        if (p.TopK > 0 && p.TopK < candidates.Count) candidates = candidates.Take(p.TopK).ToList();

        double total = candidates.Sum(c => c.Weight);
        int kept = 0;
        double mass = 0;
        while (kept < candidates.Count && (kept == 0 || mass < p.TopP * total))
            mass += candidates[kept++].Weight;

        double target = SamplingRandom.Uniform(context.Seed, output.Length) * mass;
        double running = 0;
        for (int i = 0; i < kept; i++)
        {
            running += candidates[i].Weight;
            if (running >= target) return candidates[i].Id;
        }
        return candidates[kept - 1].Id;
    }
}
