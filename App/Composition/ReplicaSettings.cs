using QwenVL.Cuda;
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
    /// --kv-cache-memory when given; on a GPU, what --gpu-memory-utilization leaves of the card after the
    /// weights and activations already taken (as vLLM sizes it); on the CPU, a fixed default.
    /// </summary>
    public static long KvCacheBytes(ServeOptions options, IModelExecutor executor)
    {
        if (options.KvCacheMemoryBytes is long bytes) return bytes;
        if (executor is not CudaExecutor cuda) return DefaultCpuKvCacheBytes;
        cuda.Device.MakeCurrent();
        var (free, total) = cuda.Device.MemoryInfo();
        long budget = (long)(total * options.GpuMemoryUtilization) - (total - free);
        if (budget < executor.KvCacheBytesPerBlock)
            throw new InvalidOperationException(
                $"--gpu-memory-utilization {options.GpuMemoryUtilization} leaves no room for the KV cache: {(total - free) >> 20} MiB of {total >> 20} MiB are already in use");
        return budget;
    }

    /// <summary>The step limits the executor is built for: the scheduler's.</summary>
    public static ExecutorChoice Executor(ServeOptions options) =>
        new(options.Device, options.MaxNumBatchedTokens ?? Math.Max(DefaultMaxNumBatchedTokens, options.MaxNumSeqs), options.MaxNumSeqs,
            EnforceEager: options.EnforceEager);
}
