using QwenVL.Runtime.Execution;

namespace QwenVL.Bench.Workloads;

/// <summary>What the benchmark ran on, as the executor describes its device: "cuda" with the GPU's name, or "cpu" with the processor's.</summary>
public sealed record BenchDevice(string Kind, string Name)
{
    public bool IsGpu => Kind == "cuda";

    public static BenchDevice Of(IModelExecutor executor) =>
        executor is IExecutionDevice device ? new BenchDevice(device.DeviceKind, device.DeviceName) : new BenchDevice("unknown", executor.GetType().Name);
}
