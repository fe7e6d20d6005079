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

    public static int Rows(StepBatch batch)
    {
        int rows = 0;
        foreach (var s in batch.Sequences)
            if (s.Sampling != null) rows++;
        return rows;
    }
}
