namespace QwenVL.Http.Bench;

/// <summary>What one request of a workload did, in seconds from the workload's submission.</summary>
public sealed record RequestTiming(int PromptTokens, int NewTokens, int CachedPromptTokens, double FirstTokenSeconds, double FinishedSeconds);
