using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Vision;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Executor;

/// <summary>The GPU vision tower behind the executor's image store: encodes on the executor's stream, no host round trip.</summary>
/// <remarks>The tower was built on the executor's stream, so the <c>stream</c> arguments order nothing more.</remarks>
internal sealed class DeviceImageEncoder(CudaVisionTower tower) : IImageEncoder
{
    public CudaVisionTower Tower => tower;

    public int MaxPatchesPerPass => tower.MaxPatches;

    public void Encode(PixelPatches image, ulong destination, CudaStreamHandle stream) => tower.EncodeF32(image, destination);

    /// <summary>One pass of the tower over all the images: the matmuls run once on their concatenated patches.</summary>
    public void EncodeBatch(ReadOnlySpan<PixelPatches> images, ReadOnlySpan<ulong> destinations, CudaStreamHandle stream) =>
        tower.EncodeBatchF32(images, destinations);

    public void Dispose() => tower.Dispose();
}
