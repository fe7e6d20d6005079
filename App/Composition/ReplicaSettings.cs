using QwenVL.Http.Configuration;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.App.Composition;

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

    /// <summary>
    /// --kv-cache-memory when given; on a GPU (an executor with <see cref="IDeviceMemory"/>), what --gpu-memory-utilization
    /// leaves of the card after the weights and activations already taken (as vLLM sizes it); on the CPU, a fixed default.
    /// </summary>
    public static long KvCacheBytes(ServeOptions options, IModelExecutor executor)
    {
        if (options.KvCacheMemoryBytes is long bytes) return bytes;
        if (executor is not IDeviceMemory device) return DefaultCpuKvCacheBytes;
        var memory = device.ReadMemory();
        long budget = (long)(memory.Total * options.GpuMemoryUtilization) - memory.Used;
        if (budget < executor.KvCacheBytesPerBlock)
            throw new InvalidOperationException(
                $"--gpu-memory-utilization {options.GpuMemoryUtilization} leaves no room for the KV cache: {memory.Used >> 20} MiB of {memory.Total >> 20} MiB are already in use");
        return budget;
    }

    /// <summary>The step limits the executor is built for: the scheduler's.</summary>
    /// <param name="log">where the executor logs its start-up work (a GPU's graph capture); null: nowhere</param>
    public static ExecutorChoice Executor(ServeOptions options, ILogger? log = null) =>
        new(options.Device, options.MaxNumBatchedTokens ?? Math.Max(DefaultMaxNumBatchedTokens, options.MaxNumSeqs), options.MaxNumSeqs,
            EnforceEager: options.EnforceEager, Log: log);
}
