using QwenVL.Runtime.Sampling;

namespace QwenVL.Runtime.Execution;

/// <summary>The sampled token of each sequence of the batch, in batch order; null where none was asked.</summary>
public sealed record StepResult(SampledToken?[] Tokens);
