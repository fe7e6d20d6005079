using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Memory;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Executor;

/// <summary>Runs the float32 CPU vision tower and uploads its embeddings (until the GPU tower takes over).</summary>
internal sealed class HostImageEncoder(CudaDriver driver, CpuVisionTower tower, int hidden, int mergeSize) : IImageEncoder
{
    /// <summary>The CPU tower has no buffers sized for a pass; it encodes a batch one image at a time.</summary>
    public int MaxPatchesPerPass => int.MaxValue;

    public void Encode(PixelPatches image, ulong destination, CudaStreamHandle stream)
    {
        var values = tower.Encode(image);
        long expected = (long)image.TokenCount(mergeSize) * hidden;
        if (values.Length != expected)
            throw new InvalidOperationException($"the vision tower returned {values.Length} values for an image of {image.TokenCount(mergeSize)} tokens × {hidden}");
        DeviceCopy.Upload<float>(driver, stream, destination, values);
    }

    public void EncodeBatch(ReadOnlySpan<PixelPatches> images, ReadOnlySpan<ulong> destinations, CudaStreamHandle stream)
    {
        if (images.Length != destinations.Length)
            throw new ArgumentException($"{images.Length} images but {destinations.Length} destinations", nameof(destinations));
        for (int i = 0; i < images.Length; i++) Encode(images[i], destinations[i], stream);
    }

    public void Dispose()
    {
    }
}
