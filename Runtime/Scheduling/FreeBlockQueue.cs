namespace QwenVL.Runtime.Scheduling;

/// <summary>
/// The free blocks in eviction order: the head is taken first. A doubly linked list threaded through
/// arrays indexed by block id, so a cached block reused by a prefix hit leaves the middle in O(1).
/// </summary>
internal sealed class FreeBlockQueue
{
    private const int None = -1;
    private readonly int[] _prev;
    private readonly int[] _next;
    private readonly bool[] _queued;
    private int _head = None, _tail = None;

    public FreeBlockQueue(int blocks)
    {
        _prev = new int[blocks];
        _next = new int[blocks];
        _queued = new bool[blocks];
        for (int b = 0; b < blocks; b++) PushBack(b);
    }

    public int Count { get; private set; }

    public bool Contains(int block) => _queued[block];

    public void PushBack(int block)
    {
        if (_queued[block]) throw new InvalidOperationException($"block {block} is already free");
        _prev[block] = _tail;
        _next[block] = None;
        if (_tail == None) _head = block; else _next[_tail] = block;
        _tail = block;
        _queued[block] = true;
        Count++;
    }

    public int PopFront()
    {
        if (_head == None) throw new InvalidOperationException("no free block");
        int block = _head;
        Remove(block);
        return block;
    }

    public void Remove(int block)
    {
        if (!_queued[block]) throw new InvalidOperationException($"block {block} is not free");
        int prev = _prev[block], next = _next[block];
        if (prev == None) _head = next; else _next[prev] = next;
        if (next == None) _tail = prev; else _prev[next] = prev;
        _queued[block] = false;
        Count--;
    }
}
