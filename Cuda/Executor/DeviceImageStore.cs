using System.Runtime.InteropServices;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Vision;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// Encoded images on the device, keyed by content, in one block allocated at start-up: an image's fp32
/// embeddings [tokens, hidden] stay until the scheduler releases its key. A step's new images are encoded together,
/// several per pass of the vision tower. The scheduler's encoder budget keeps what is held at once within the
/// block; running out is an error that names the sizes.
/// </summary>
internal sealed class DeviceImageStore : IDisposable
{
    private readonly DeviceMemoryHandle _memory;
    private readonly RangeAllocator _ranges;
    private readonly Dictionary<ImageKey, (long Offset, int Tokens)> _images = new();
    private readonly int _hidden;
    private readonly int _mergeSize;
    private readonly List<ImageKey> _newKeys = [];
    private readonly List<PixelPatches> _newPatches = [];
    private readonly List<long> _newOffsets = [];
    private readonly List<ulong> _newDestinations = [];
    private readonly List<Range> _passes = [];

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

    /// <summary>
    /// Encodes every image of <paramref name="images"/> that the store does not hold yet (a key listed twice is encoded
    /// once): a range for each first, then as few encoder passes as <see cref="VisionPasses.Group"/> makes of them in
    /// list order. If anything fails, none of the list's new images is kept and their ranges are free again.
    /// </summary>
    public void AddAll(IReadOnlyList<ImageToEncode> images, IImageEncoder encoder, CudaStreamHandle stream)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(encoder);
        // Reused lists: a step's new images need no allocation here.
        _newKeys.Clear();
        _newPatches.Clear();
        _newOffsets.Clear();
        _newDestinations.Clear();
        _passes.Clear();
        try
        {
            foreach (var image in images)
            {
                if (_images.ContainsKey(image.Key) || _newKeys.Contains(image.Key)) continue;
                long offset = Allocate(image.Key, image.Patches);
                _newKeys.Add(image.Key);
                _newPatches.Add(image.Patches);
                _newOffsets.Add(offset);
                _newDestinations.Add(_memory.Address + (ulong)offset);
            }
            var patches = CollectionsMarshal.AsSpan(_newPatches);
            var destinations = CollectionsMarshal.AsSpan(_newDestinations);
            VisionPasses.Group(patches, encoder.MaxPatchesPerPass, _passes);
            foreach (var pass in _passes) encoder.EncodeBatch(patches[pass], destinations[pass], stream);
        }
        catch
        {
            foreach (var offset in _newOffsets) _ranges.Free(offset);
            throw;
        }
        for (int i = 0; i < _newKeys.Count; i++) _images.Add(_newKeys[i], (_newOffsets[i], _newPatches[i].TokenCount(_mergeSize)));
    }

    /// <summary>A range for the image's embeddings; running out is an error naming the sizes.</summary>
    private long Allocate(ImageKey key, PixelPatches image)
    {
        int tokens = image.TokenCount(_mergeSize);
        long bytes = (long)tokens * _hidden * sizeof(float);
        if (!_ranges.TryAllocate(bytes, out long offset))
            throw new InvalidOperationException(
                $"the device image store ({_ranges.Capacity} bytes, {_ranges.Used} in use by {_images.Count} images and {_newKeys.Count} new ones of this step, "
                + $"largest free range {_ranges.LargestFree}) cannot hold image {key} of {tokens} tokens ({bytes} bytes)");
        return offset;
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
