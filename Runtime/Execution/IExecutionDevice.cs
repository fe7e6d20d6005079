namespace QwenVL.Runtime.Execution;

/// <summary>
/// What an executor runs on, as reports name it, and how it runs decode steps. Kept apart from
/// <see cref="IModelExecutor"/> because steps never need it.
/// </summary>
public interface IExecutionDevice
{
    /// <summary>"cuda" or "cpu".</summary>
    string DeviceKind { get; }

    /// <summary>The device's name: a GPU's as its driver gives it, a processor's with the cores .NET sees.</summary>
    string DeviceName { get; }

    /// <summary>
    /// The decode batch sizes replayed from captured graphs; empty where every step is launched as it comes (the CPU,
    /// --enforce-eager, or before the KV cache is allocated, since the graphs are captured for it).
    /// </summary>
    IReadOnlyList<int> GraphBatchSizes { get; }
}
