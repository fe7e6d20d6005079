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

    /// <summary>How many image embeddings the executor holds now (encoded and not yet released).</summary>
    int CachedImageCount { get; }

    /// <summary>
    /// One forward step: encodes the batch's new images, runs every sequence's chunk, samples where a
    /// sequence asks for it, then releases the images the batch lists. A batch may hold no sequences
    /// when the scheduler only has images to release; then nothing runs but the release.
    /// </summary>
    StepResult Execute(StepBatch batch);
}
