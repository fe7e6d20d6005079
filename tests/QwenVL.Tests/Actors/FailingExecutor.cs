using QwenVL.Runtime.Execution;

namespace QwenVL.Tests.Actors;

/// <summary>Wraps an executor and throws on the steps a test picks, as a device fault would.</summary>
public sealed class FailingExecutor(IModelExecutor inner, Func<int, bool> failOnStep) : IModelExecutor
{
    private int _steps;

    public ModelSpec Spec => inner.Spec;
    public long KvCacheBytesPerBlock => inner.KvCacheBytesPerBlock;
    public int CachedImageCount => inner.CachedImageCount;
    public int AllocateKvCache(long bytes) => inner.AllocateKvCache(bytes);

    public StepResult Execute(StepBatch batch)
    {
        if (failOnStep(++_steps)) throw new InvalidOperationException($"simulated device fault on step {_steps}");
        return inner.Execute(batch);
    }

    public void Dispose() => inner.Dispose();
}
