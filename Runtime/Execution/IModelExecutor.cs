using QwenVL.Runtime.Vision;

namespace QwenVL.Runtime.Execution;

/// <summary>
/// Runs the model one step at a time over a paged KV cache. Implementations: the CPU reference
/// executor and the CUDA executor; both keep the same block layout so the scheduler can drive either.
/// </summary>
public interface IModelExecutor : IDisposable
{
    ModelSpec Spec { get; }

    /// <summary>Bytes one KV block takes over all layers (K and V).</summary>
    long KvCacheBytesPerBlock { get; }

    /// <summary>Reserves the KV cache within <paramref name="bytes"/>; returns how many blocks it holds.</summary>
    int AllocateKvCache(long bytes);

    /// <summary>Runs the vision tower over one image; the result is spliced in by later steps.</summary>
    ImageEmbeddings EncodeImage(PixelPatches image);

    /// <summary>One forward step over every sequence of the batch; samples where a step asks for it.</summary>
    StepResult Execute(StepBatch batch);
}
