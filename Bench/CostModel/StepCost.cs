using QwenVL.Runtime.Execution;

namespace QwenVL.Bench.CostModel;

/// <summary>
/// The modelled duration of a <see cref="StepBatch"/> under a <see cref="StepCostProfile"/>: the sum of the profile's
/// costs times the step's <see cref="StepShape"/> terms. A sequence step is a prefill chunk when it holds more than
/// one token or does not sample, and a decode otherwise; every sequence's attention reads its context and its new
/// tokens; every image of <see cref="StepBatch.Encode"/> costs its patches. The per-step overhead is the language
/// model's forward pass, so a step without sequences pays only for its images: a step that only releases images
/// costs nothing, and one that only encodes costs its patches.
/// </summary>
public static class StepCost
{
    public static TimeSpan Duration(StepCostProfile profile, StepBatch batch) =>
        TimeSpan.FromMilliseconds(Milliseconds(profile, Shape(batch)));

    public static double Milliseconds(StepCostProfile profile, in StepShape shape)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return shape.Steps * profile.StepOverheadMs
            + shape.PrefillTokens * profile.PrefillMsPerToken
            + shape.PrefillContextKiloTokens * profile.PrefillMsPerTokenPer1kContext
            + shape.DecodeSequences * profile.DecodeMsPerSequence
            + shape.KvKiloTokens * profile.AttentionMsPer1kKvTokens
            + shape.ImagePatches * profile.VisionMsPerPatch;
    }

    /// <summary>The cost model's terms of <paramref name="batch"/>.</summary>
    public static StepShape Shape(StepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        long prefillTokens = 0, patches = 0, kvTokens = 0;
        double prefillContext = 0;
        int decodes = 0;
        // Indexed loops: foreach over the interface would allocate an enumerator every step.
        for (int i = 0; i < batch.Sequences.Count; i++)
        {
            var step = batch.Sequences[i];
            long n = step.TokenIds.Length;
            kvTokens += step.EndPosition;
            if (IsDecode(step))
            {
                decodes++;
                continue;
            }
            prefillTokens += n;
            // Token i of the chunk has ContextLength + i tokens before it: n·c + n(n−1)/2 over the chunk.
            prefillContext += n * (double)step.ContextLength + n * (n - 1) / 2.0;
        }
        int images = batch.Encode?.Count ?? 0;
        for (int i = 0; i < images; i++) patches += batch.Encode![i].Patches.PatchCount;
        int steps = batch.Sequences.Count > 0 ? 1 : 0;
        return new StepShape(steps, prefillTokens, prefillContext / 1000, decodes, kvTokens / 1000.0, patches);
    }

    /// <summary>A decode is one token that is sampled; a single prompt token that is not sampled is a prefill chunk.</summary>
    public static bool IsDecode(SequenceStep step) => step.TokenIds.Length == 1 && step.Sampling != null;
}
