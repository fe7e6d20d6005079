using Microsoft.Extensions.Logging;

namespace QwenVL.Cuda.Executor;

/// <summary>How a <see cref="CudaExecutor"/> is sized and where it runs.</summary>
/// <param name="BlockSize">tokens per KV block: the scheduler's block size</param>
/// <param name="MaxModelLength">longest sequence (prompt + output); null: the model's max_position_embeddings</param>
/// <param name="MaxTokensPerStep">largest step in tokens (the scheduler's token budget): sizes the activations</param>
/// <param name="MaxSequencesPerStep">most sequences in one step: sizes the logits and the metadata</param>
/// <param name="ImageStoreBytes">device memory for encoded images held between encode and release</param>
/// <param name="LoadVisionTower">false for text-only use: images are then an error</param>
/// <param name="SampleOnDevice">tokens are picked on the device (sampling.cu); false: logits go to the host Sampler</param>
/// <param name="MaxImagePatches">largest image the GPU vision tower takes, in 14-pixel patches (default: 16,384 = about 1792×1792);
/// also the most patches of a step's new images it encodes together in one pass</param>
/// <param name="CubinCacheDirectory">null: $QWENVL_CUBIN_CACHE or ~/.cache/qwenvl/cubin</param>
/// <param name="EnforceEager">no CUDA graphs: every step is launched kernel by kernel (vLLM's --enforce-eager)</param>
/// <param name="SmallStepGemv">steps of at most 4 tokens use gemv.cu instead of cuBLASLt (false: cuBLASLt always)</param>
/// <param name="MaxGraphBatchSize">largest decode batch with a captured graph; null: the step's sequence limit, at most 256</param>
/// <param name="Log">where the executor tells of its start-up work (capturing the decode graphs); null: nowhere</param>
public sealed record CudaExecutorOptions(
    int BlockSize = 16,
    int? MaxModelLength = null,
    int MaxTokensPerStep = 2048,
    int MaxSequencesPerStep = 256,
    long ImageStoreBytes = 256L << 20,
    bool LoadVisionTower = true,
    int DeviceOrdinal = 0,
    string? CubinCacheDirectory = null,
    long GemmWorkspaceBytes = 32L << 20,
    int MaxImagePatches = 16384,
    bool SampleOnDevice = true,
    bool EnforceEager = false,
    int? MaxGraphBatchSize = null,
    bool SmallStepGemv = true,
    ILogger? Log = null);
