namespace QwenVL.Runtime.Execution;

/// <summary>
/// What an executor holds besides its KV cache, for reports such as the bench's peak memory: the KV cache's share
/// follows from <see cref="IModelExecutor.KvCacheBytesPerBlock"/> and the blocks in use. Kept apart from
/// <see cref="IModelExecutor"/> because serving never needs it.
/// </summary>
public interface IMemoryFootprint
{
    /// <summary>Bytes of the weights as the executor stores them: the language model's and the vision tower's.</summary>
    long WeightBytes { get; }

    /// <summary>Bytes of the buffers held for steps (activations, workspaces, image store); 0 where steps allocate their own.</summary>
    long ActivationBytes { get; }
}
