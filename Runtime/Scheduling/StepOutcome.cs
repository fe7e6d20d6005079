using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Runtime.Scheduling;

/// <summary>What one step produced: the new tokens in batch order and the sequences that finished with them.</summary>
public sealed record StepOutcome(IReadOnlyList<GeneratedToken> Tokens, IReadOnlyList<FinishedSequence> Finished)
{
    public static StepOutcome Empty { get; } = new([], []);
}

public readonly record struct GeneratedToken(SequenceId Id, SampledToken Token);

/// <param name="CachedPromptTokens">prompt tokens found in the prefix cache when the sequence was first admitted</param>
public sealed record FinishedSequence(SequenceId Id, FinishReason Reason, int PromptTokens, int OutputTokens, int CachedPromptTokens);
