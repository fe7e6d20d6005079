using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// Encoded images on the device, keyed by content, in one block allocated at start-up: an image's fp32
/// embeddings [tokens, hidden] stay until the scheduler releases its key. The scheduler's encoder budget keeps
/// what is held at once within the block; running out is an error that names the sizes.
/// </summary>
internal sealed class DeviceImageStore : IDisposable
{
    private readonly DeviceMemoryHandle _memory;
    private readonly RangeAllocator _ranges;
    private readonly Dictionary<ImageKey, (long Offset, int Tokens)> _images = new();
    private readonly int _hidden;
    private readonly int _mergeSize;

    public DeviceImageStore(CudaDriver driver, long capacityBytes, int hidden, int mergeSize)
    {
        _memory = driver.Allocate(Math.Max(capacityBytes, 256));
        _ranges = new RangeAllocator(_memory.Bytes);
        _hidden = hidden;
        _mergeSize = mergeSize;
    }

    public int Count => _images.Count;

    public long CapacityBytes => _ranges.Capacity;

    public bool Contains(ImageKey key) => _images.ContainsKey(key);

    /// <summary>Encodes the image into the store unless it is there already.</summary>
    public void Add(ImageKey key, PixelPatches image, IImageEncoder encoder, CudaStreamHandle stream)
    {
        if (_images.ContainsKey(key)) return;
        int tokens = image.TokenCount(_mergeSize);
        long bytes = (long)tokens * _hidden * sizeof(float);
        if (!_ranges.TryAllocate(bytes, out long offset))
            throw new InvalidOperationException(
                $"the device image store ({_ranges.Capacity} bytes, {_ranges.Used} in use by {_images.Count} images, largest free range {_ranges.LargestFree}) "
                + $"cannot hold image {key} of {tokens} tokens ({bytes} bytes)");
        try
        {
            encoder.Encode(image, _memory.Address + (ulong)offset, stream);
        }
        catch
        {
            _ranges.Free(offset);
            throw;
        }
        _images.Add(key, (offset, tokens));
    }

    public DeviceImage this[ImageKey key] =>
        _images.TryGetValue(key, out var image)
            ? new DeviceImage(_memory.Address + (ulong)image.Offset, image.Tokens)
            : throw new ArgumentException($"image {key} was not encoded (or was released) before the step that uses it");

    public void Release(ImageKey key)
    {
        if (_images.Remove(key, out var image)) _ranges.Free(image.Offset);
    }

    public void Clear()
    {
        foreach (var (offset, _) in _images.Values) _ranges.Free(offset);
        _images.Clear();
    }

    public void Dispose() => _memory.Dispose();
}
