namespace QwenVL.Cuda.Executor;

/// <summary>
/// The largest step the executor's buffers are planned for: tokens (all sequences' chunks together),
/// sequences, and KV blocks one sequence can address (max model length over block size, rounded up).
/// </summary>
public sealed record StepLimits(int MaxTokens, int MaxSequences, int MaxBlocksPerSequence)
{
    public static StepLimits For(int maxTokens, int maxSequences, int maxModelLength, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSequences, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxModelLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        return new StepLimits(maxTokens, Math.Min(maxSequences, maxTokens), (maxModelLength + blockSize - 1) / blockSize);
    }
}
