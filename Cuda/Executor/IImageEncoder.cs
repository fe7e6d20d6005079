using QwenVL.Cuda.Handles;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// The vision tower as the CUDA executor uses it: preprocessed images in, each one's embeddings written to the
/// device as fp32 rows [tokens, hidden] (the order of its &lt;|image_pad|&gt; tokens) at its destination,
/// ordered on <c>stream</c>. The GPU tower stands behind it (<see cref="DeviceImageEncoder"/>).
/// </summary>
internal interface IImageEncoder : IDisposable
{
    /// <summary>The most patches one <see cref="EncodeBatch"/> call takes, summed over its images.</summary>
    int MaxPatchesPerPass { get; }

    void Encode(PixelPatches image, ulong destination, CudaStreamHandle stream);

    /// <summary>Encodes <paramref name="images"/>[i] to <paramref name="destinations"/>[i], at most <see cref="MaxPatchesPerPass"/> patches in all.</summary>
    void EncodeBatch(ReadOnlySpan<PixelPatches> images, ReadOnlySpan<ulong> destinations, CudaStreamHandle stream);
}
