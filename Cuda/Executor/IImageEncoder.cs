using QwenVL.Cuda.Handles;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// The vision tower as the CUDA executor uses it: one preprocessed image in, its embeddings written to the
/// device as fp32 rows [tokens, hidden] (the order of its &lt;|image_pad|&gt; tokens) at <c>destination</c>,
/// ordered on <c>stream</c>. Today the CPU tower stands behind it (<see cref="HostImageEncoder"/>); a GPU
/// tower writes into the same place.
/// </summary>
internal interface IImageEncoder : IDisposable
{
    void Encode(PixelPatches image, ulong destination, CudaStreamHandle stream);
}
