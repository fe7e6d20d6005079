namespace QwenVL.Cuda.Executor;

/// <summary>
/// First-fit allocation of aligned byte ranges inside a fixed capacity, with ranges given back one by one
/// (neighbouring free ranges merge). Host-side bookkeeping for a device block whose contents come and go,
/// such as image embeddings; it never touches the device.
/// </summary>
public sealed class RangeAllocator
{
    private readonly SortedList<long, long> _free = new(); // start → length
    private readonly Dictionary<long, long> _used = new();  // start → length

    public RangeAllocator(long capacity, int alignment = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "alignment must be a positive power of two");
        Capacity = capacity;
        Alignment = alignment;
        if (capacity > 0) _free.Add(0, capacity);
    }

    public long Capacity { get; }

    public int Alignment { get; }

    /// <summary>Bytes handed out and not given back (each range rounded up to the alignment).</summary>
    public long Used { get; private set; }

    /// <summary>The lowest aligned offset with room for <paramref name="bytes"/>, or false when no free range is large enough.</summary>
    public bool TryAllocate(long bytes, out long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        long size = Math.Max(Alignment, (bytes + Alignment - 1) & ~(long)(Alignment - 1));
        for (int i = 0; i < _free.Count; i++)
        {
            long start = _free.Keys[i], length = _free.Values[i];
            if (length < size) continue;
            _free.RemoveAt(i);
            if (length > size) _free.Add(start + size, length - size);
            _used.Add(start, size);
            Used += size;
            offset = start;
            return true;
        }
        offset = -1;
        return false;
    }

    /// <summary>Gives back a range <see cref="TryAllocate"/> handed out.</summary>
    public void Free(long offset)
    {
        if (!_used.Remove(offset, out long size)) throw new ArgumentException($"offset {offset} is not an allocated range");
        Used -= size;
        long start = offset, end = offset + size;
        int after = IndexOfFirstStartAtOrAbove(end);
        if (after < _free.Count && _free.Keys[after] == end)
        {
            end += _free.Values[after];
            _free.RemoveAt(after);
        }
        int before = after - 1;
        if (before >= 0 && _free.Keys[before] + _free.Values[before] == start)
        {
            start = _free.Keys[before];
            _free.RemoveAt(before);
        }
        _free.Add(start, end - start);
    }

    /// <summary>The largest range that could be allocated now.</summary>
    public long LargestFree
    {
        get
        {
            long largest = 0;
            foreach (var length in _free.Values) largest = Math.Max(largest, length);
            return largest;
        }
    }

    private int IndexOfFirstStartAtOrAbove(long value)
    {
        int lo = 0, hi = _free.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_free.Keys[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
