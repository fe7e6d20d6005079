namespace QwenVL.Runtime.Execution;

/// <summary>
/// The memory of the device an executor runs on, as its driver reports it now (every process's use included): what a
/// GPU has left sizes the KV cache under --gpu-memory-utilization, and the bench reports it. Kept apart from
/// <see cref="IModelExecutor"/> because an executor on the CPU has no device memory of its own: its KV cache has a
/// fixed default size and the process's working set tells its use.
/// </summary>
public interface IDeviceMemory
{
    DeviceMemory ReadMemory();
}

/// <summary>Free and total bytes of a device's memory at one moment.</summary>
public readonly record struct DeviceMemory(long Free, long Total)
{
    public long Used => Total - Free;
}
