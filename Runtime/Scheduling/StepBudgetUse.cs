namespace QwenVL.Runtime.Scheduling;

/// <summary>
/// How one step spent its token budget: prompt tokens prefilled (chunks, and outputs recomputed after preemption) and
/// sequences decoding one token each. What is left of <paramref name="Budget"/> went unused.
/// </summary>
/// <param name="Budget">the step's token budget (max_num_batched_tokens)</param>
public readonly record struct StepBudgetUse(int PrefillTokens, int DecodeSequences, int Budget);
