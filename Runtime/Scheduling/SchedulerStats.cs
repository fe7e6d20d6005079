namespace QwenVL.Runtime.Scheduling;

/// <summary>
/// A snapshot for the status line and metrics. Prefix-cache queries and hits are counted in tokens, as
/// vLLM's prefix_cache_queries/prefix_cache_hits: each admission queries its whole token count.
/// </summary>
/// <param name="KvCacheUsage">the fraction of blocks in use, 0 to 1 (evictable cached blocks count as free)</param>
/// <param name="PromptTokensComputed">tokens prefilled: prompts, and outputs recomputed after preemption</param>
/// <param name="GenerationTokens">tokens sampled</param>
/// <param name="PeakBlocksInUse">the most blocks sequences held at once since start (cached free blocks not counted)</param>
/// <param name="Preempted">waiting sequences that were preempted and wait to be recomputed (counted in <paramref name="Waiting"/> too)</param>
/// <param name="TotalBlocks">KV blocks the scheduler hands out</param>
/// <param name="FreeBlocks">of those, blocks no sequence holds (evictable cached blocks included)</param>
public sealed record SchedulerStats(
    int Running,
    int Waiting,
    long Preemptions,
    double KvCacheUsage,
    long PrefixCacheQueries,
    long PrefixCacheHits,
    long PromptTokensComputed,
    long GenerationTokens,
    long Steps,
    int PeakBlocksInUse,
    int Preempted,
    int TotalBlocks,
    int FreeBlocks)
{
    public double PrefixCacheHitRate => PrefixCacheQueries == 0 ? 0 : (double)PrefixCacheHits / PrefixCacheQueries;
}
