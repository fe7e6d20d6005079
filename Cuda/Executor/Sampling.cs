using QwenVL.Runtime.Execution;

namespace QwenVL.Cuda.Executor;

/// <summary>What a step asks of sampling, for choosing where to sample.</summary>
internal static class Sampling
{
    public static bool AllGreedy(StepBatch batch)
    {
        foreach (var s in batch.Sequences)
            if (s.Sampling is { } ctx && !ctx.Params.IsGreedy) return false;
        return true;
    }

    /// <summary>
    /// A row with a grammar mask or a logit bias: the device sampler applies neither, so a step holding one is sampled
    /// on the host, every row of it (a packed-bitmask kernel would keep them on the device).
    /// </summary>
    public static bool AnyReshaped(StepBatch batch)
    {
        foreach (var s in batch.Sequences)
            if (s.Sampling is { } ctx && ctx.ReshapesLogits) return true;
        return false;
    }

    public static int Rows(StepBatch batch)
    {
        int rows = 0;
        foreach (var s in batch.Sequences)
            if (s.Sampling != null) rows++;
        return rows;
    }
}
