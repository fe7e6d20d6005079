using System.Diagnostics;
using System.Text.Json.Serialization;
using QwenVL.Actors;
using QwenVL.Runtime.Execution;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// Where the memory went. The peak is what the run needed: the weights and step buffers the executor holds
/// (<see cref="IMemoryFootprint"/>) plus the most KV blocks sequences held at once, the counterpart of torch's
/// max_memory_allocated in hf_baseline.py. Reserved counts the whole KV cache, which is sized to fill what
/// --gpu-memory-utilization leaves (or --kv-cache-memory), so it says nothing about need.
/// </summary>
/// <param name="DeviceUsedGiB">the GPU's used memory as the driver reports it (all processes, the context's own included); null on the CPU</param>
/// <param name="ProcessPeakWorkingSetGiB">the process's peak resident memory: on the CPU the figure that covers per-step activations too</param>
public sealed record MemoryFigures(
    [property: JsonPropertyName("weights_GiB")] double WeightsGiB,
    [property: JsonPropertyName("activations_GiB")] double ActivationsGiB,
    [property: JsonPropertyName("kv_block_bytes")] long KvBlockBytes,
    [property: JsonPropertyName("kv_blocks")] int KvBlocks,
    [property: JsonPropertyName("kv_blocks_peak")] int KvBlocksPeak,
    [property: JsonPropertyName("device_used_GiB")] double? DeviceUsedGiB,
    [property: JsonPropertyName("device_total_GiB")] double? DeviceTotalGiB,
    [property: JsonPropertyName("process_peak_working_set_GiB")] double ProcessPeakWorkingSetGiB)
{
    private const double Gibi = 1L << 30;

    [JsonIgnore]
    public double PeakGiB => WeightsGiB + ActivationsGiB + KvBlocksPeak * (double)KvBlockBytes / Gibi;

    [JsonIgnore]
    public double ReservedGiB => WeightsGiB + ActivationsGiB + KvBlocks * (double)KvBlockBytes / Gibi;

    /// <summary>Reads the figures once the workloads are done; <paramref name="status"/> is the replica's at that point.</summary>
    public static MemoryFigures Measure(IModelExecutor executor, ReplicaStatus status)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(status);
        var footprint = executor as IMemoryFootprint;
        double? used = null, total = null;
        if (executor is IDeviceMemory device)
        {
            var memory = device.ReadMemory();
            (used, total) = (memory.Used / Gibi, memory.Total / Gibi);
        }
        using var process = Process.GetCurrentProcess();
        return new MemoryFigures(
            (footprint?.WeightBytes ?? 0) / Gibi,
            (footprint?.ActivationBytes ?? 0) / Gibi,
            executor.KvCacheBytesPerBlock,
            status.Scheduler.TotalBlocks,
            status.Scheduler.PeakBlocksInUse,
            used,
            total,
            process.PeakWorkingSet64 / Gibi);
    }
}
