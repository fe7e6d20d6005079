using QwenVL.App.Composition;
using QwenVL.Http.Configuration;
using QwenVL.Runtime.Execution;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Http;

/// <summary>How `serve` sizes the KV cache from what the executor tells of its device.</summary>
public class KvCacheSizingTests
{
    /// <summary>The CPU executor with a device memory of made-up figures, as a GPU executor reports its card's.</summary>
    private sealed class WithDeviceMemory(IModelExecutor inner, DeviceMemory memory) : IModelExecutor, IDeviceMemory
    {
        public ModelSpec Spec => inner.Spec;
        public long KvCacheBytesPerBlock => inner.KvCacheBytesPerBlock;
        public int CachedImageCount => inner.CachedImageCount;
        public int AllocateKvCache(long bytes) => inner.AllocateKvCache(bytes);
        public StepResult Execute(StepBatch batch) => inner.Execute(batch);
        public DeviceMemory ReadMemory() => memory;
        public void Dispose() => inner.Dispose();
    }

    private static ServeOptions Options(double utilization = 0.9, long? kvCacheBytes = null) =>
        new() { Model = "tiny", GpuMemoryUtilization = utilization, KvCacheMemoryBytes = kvCacheBytes };

    [Fact]
    public void The_cpu_executor_describes_its_processor_and_gets_the_fixed_default_cache()
    {
        using var executor = TinyModel.NewExecutor();
        var device = Assert.IsAssignableFrom<IExecutionDevice>(executor);
        Assert.Equal("cpu", device.DeviceKind);
        Assert.EndsWith($"({Environment.ProcessorCount} cores)", device.DeviceName);
        Assert.Empty(device.GraphBatchSizes);
        Assert.Equal(ReplicaSettings.DefaultCpuKvCacheBytes, ReplicaSettings.KvCacheBytes(Options(), executor));
    }

    [Fact]
    public void A_device_with_memory_gets_what_the_utilization_leaves_after_what_is_in_use()
    {
        using var executor = new WithDeviceMemory(TinyModel.NewExecutor(), new DeviceMemory(Free: 60L << 30, Total: 80L << 30));
        long bytes = ReplicaSettings.KvCacheBytes(Options(utilization: 0.5), executor);
        Assert.Equal((40L << 30) - (20L << 30), bytes);
    }

    [Fact]
    public void A_utilization_below_what_is_in_use_is_an_error_that_names_the_figures()
    {
        using var executor = new WithDeviceMemory(TinyModel.NewExecutor(), new DeviceMemory(Free: 10L << 30, Total: 80L << 30));
        var e = Assert.Throws<InvalidOperationException>(() => ReplicaSettings.KvCacheBytes(Options(utilization: 0.5), executor));
        Assert.Contains("71680 MiB of 81920 MiB", e.Message);
    }

    [Fact]
    public void The_kv_cache_memory_option_wins_over_the_device()
    {
        using var executor = new WithDeviceMemory(TinyModel.NewExecutor(), new DeviceMemory(Free: 60L << 30, Total: 80L << 30));
        Assert.Equal(123L << 20, ReplicaSettings.KvCacheBytes(Options(kvCacheBytes: 123L << 20), executor));
    }
}
