using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Http.Composition;

/// <summary>How `serve` sizes the replica from its options: KV cache, token budget, queue bounds.</summary>
public static class ReplicaSettings
{
    /// <summary>The CPU executor's KV cache when --kv-cache-memory is not given (vLLM's CPU default is 4 GiB; ours is smaller, for small machines).</summary>
    public const long DefaultCpuKvCacheBytes = 1L << 30;

    /// <summary>vLLM's default step budget with chunked prefill; never below the sequence cap.</summary>
    public const int DefaultMaxNumBatchedTokens = 2048;

    public static SchedulerConfig Scheduler(ServeOptions options, ModelSpec spec, int blocks) => new(
        blocks,
        spec.BlockSize,
        spec.MaxModelLength,
        options.MaxNumSeqs,
        options.MaxNumBatchedTokens ?? Math.Max(DefaultMaxNumBatchedTokens, options.MaxNumSeqs),
        options.EnablePrefixCaching,
        options.MaxWaitingRequests);

    public static long KvCacheBytes(ServeOptions options) => options.KvCacheMemoryBytes ?? DefaultCpuKvCacheBytes;
}
