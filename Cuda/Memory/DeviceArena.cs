namespace QwenVL.Cuda.Memory;

/// <summary>
/// Hands out aligned offsets inside one block of device memory, front to back; nothing is freed one by one,
/// the whole arena is <see cref="Reset"/> at once. Host-side bookkeeping only: it never touches the device.
/// Offsets are relative to the block's start, which cuMemAlloc aligns to at least 256 bytes.
/// </summary>
public sealed class DeviceArena
{
    /// <summary>Enough for 16-byte vector loads and for cuBLASLt's preferred operand alignment.</summary>
    public const int DefaultAlignment = 256;

    public DeviceArena(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
    }

    public long Capacity { get; }

    /// <summary>Bytes from the start to the end of the last allocation (alignment padding included).</summary>
    public long Used { get; private set; }

    public long Remaining => Capacity - Used;

    /// <summary>The offset of <paramref name="bytes"/> bytes aligned to <paramref name="alignment"/>, or false when they do not fit.</summary>
    public bool TryAllocate(long bytes, out long offset, int alignment = DefaultAlignment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "alignment must be a positive power of two");
        var start = AlignUp(Used, alignment);
        if (start > Capacity || bytes > Capacity - start)
        {
            offset = -1;
            return false;
        }
        offset = start;
        Used = start + bytes;
        return true;
    }

    /// <summary>Like <see cref="TryAllocate"/>, but running out is an error naming the sizes.</summary>
    public long Allocate(long bytes, int alignment = DefaultAlignment)
    {
        if (TryAllocate(bytes, out var offset, alignment)) return offset;
        throw new InvalidOperationException(
            $"device arena of {Capacity} bytes cannot fit {bytes} more bytes aligned to {alignment}: {Used} in use, {Remaining} left");
    }

    /// <summary>Forgets every allocation; offsets handed out before must no longer be used.</summary>
    public void Reset() => Used = 0;

    public static long AlignUp(long value, long alignment) => (value + alignment - 1) & ~(alignment - 1);
}
