using QwenVL.Runtime.Sampling;

namespace QwenVL.Runtime.Generation;

/// <summary>One finished completion: its text, token ids, per-token samples (logprobs) and finish reason.</summary>
public sealed record GeneratedChoice(int Index, string Text, int[] TokenIds, SampledToken[] Samples, FinishReason Reason);
