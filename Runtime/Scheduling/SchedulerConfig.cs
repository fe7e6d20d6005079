namespace QwenVL.Runtime.Scheduling;

/// <summary>
/// The scheduler's limits. One step schedules at most <paramref name="MaxNumBatchedTokens"/> tokens over at
/// most <paramref name="MaxNumSeqs"/> sequences and encodes at most <paramref name="EncoderBudgetTokens"/>
/// image tokens (an image larger than that budget is encoded alone in a step).
/// </summary>
public sealed record SchedulerConfig(
    int NumBlocks,
    int BlockSize,
    int MaxModelLength,
    int MaxNumSeqs = 256,
    int MaxNumBatchedTokens = 2048,
    bool EnablePrefixCaching = true,
    int MaxWaiting = 4096,
    int EncoderBudgetTokens = 16384)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (NumBlocks < 1) throw new ArgumentException($"NumBlocks must be at least 1, got {NumBlocks}");
        if (BlockSize < 1) throw new ArgumentException($"BlockSize must be at least 1, got {BlockSize}");
        if (MaxModelLength < 2) throw new ArgumentException($"MaxModelLength must be at least 2, got {MaxModelLength}");
        if (MaxNumSeqs < 1) throw new ArgumentException($"MaxNumSeqs must be at least 1, got {MaxNumSeqs}");
        // Every running sequence gets at least one token per step, so the budget must cover them all.
        if (MaxNumBatchedTokens < MaxNumSeqs)
            throw new ArgumentException($"MaxNumBatchedTokens ({MaxNumBatchedTokens}) must be at least MaxNumSeqs ({MaxNumSeqs})");
        if (MaxWaiting < 0) throw new ArgumentException($"MaxWaiting must be >= 0, got {MaxWaiting}");
        if (EncoderBudgetTokens < 1) throw new ArgumentException($"EncoderBudgetTokens must be at least 1, got {EncoderBudgetTokens}");
    }
}
