namespace QwenVL.Bench.Load;

/// <summary>What one request of a workload did, in seconds from the workload's submission.</summary>
public sealed record RequestTiming(int PromptTokens, int NewTokens, int CachedPromptTokens, double FirstTokenSeconds, double FinishedSeconds);
