using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Model;

namespace QwenVL.Tests.Fixtures;

/// <summary>The tiny fixture checkpoint, loaded once for the whole test run.</summary>
public static class TinyModel
{
    private static readonly Lazy<ModelDirectory> SharedDirectory = new(() => ModelDirectory.Open(FixturePaths.TinyModel));
    private static readonly Lazy<CpuWeights> SharedWeights = new(() =>
    {
        using var checkpoint = SafetensorsCheckpoint.Open(FixturePaths.TinyModel);
        return CpuWeights.Load(checkpoint, SharedDirectory.Value.Config.Text);
    });

    private static readonly Lazy<CpuVisionWeights> SharedVision = new(() =>
    {
        using var checkpoint = SafetensorsCheckpoint.Open(FixturePaths.TinyModel);
        return CpuVisionWeights.Load(checkpoint, SharedDirectory.Value.Config.Vision);
    });

    public static ModelDirectory Directory => SharedDirectory.Value;
    public static CpuWeights Weights => SharedWeights.Value;
    public static CpuVisionWeights Vision => SharedVision.Value;

    /// <summary>A fresh executor over the shared weights with its own KV cache.</summary>
    public static CpuExecutor NewExecutor(int blocks = 64, int blockSize = CpuExecutor.DefaultBlockSize)
    {
        var executor = new CpuExecutor(Weights, Vision, blockSize);
        executor.AllocateKvCache(blocks * executor.KvCacheBytesPerBlock);
        return executor;
    }
}
