using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Vision;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Executor;

/// <summary>The GPU vision tower behind the executor's image store: encodes on the executor's stream, no host round trip.</summary>
internal sealed class DeviceImageEncoder(CudaVisionTower tower) : IImageEncoder
{
    public CudaVisionTower Tower => tower;

    /// <remarks>The tower was built on the executor's stream, so <paramref name="stream"/> orders nothing more.</remarks>
    public void Encode(PixelPatches image, ulong destination, CudaStreamHandle stream) => tower.EncodeF32(image, destination);

    public void Dispose() => tower.Dispose();
}
