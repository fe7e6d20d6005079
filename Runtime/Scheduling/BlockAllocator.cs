namespace QwenVL.Runtime.Scheduling;

/// <summary>
/// Hands out KV-cache blocks by id, with reference counts (sequences sharing a cached prefix share its
/// blocks) and a map from <see cref="BlockHash"/> to the block holding those contents.
/// Check, then act: callers ask <see cref="CanAllocate"/> before <see cref="Allocate"/>; running out is
/// a normal answer (false), on which the scheduler preempts. Acting without room is a caller bug and throws.
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>A block is in the free queue exactly when its reference count is 0; counts never go below 0.</item>
/// <item>The free queue is in eviction order: freed blocks go to the back, fresh blocks come from the front.
/// A free block that still has a hash stays findable by prefix lookups until it is taken for new contents.</item>
/// <item>A hash maps to at most one block, and a block carries at most one hash; the block's contents are
/// what the hash names (the scheduler registers a block only once the step that writes it is scheduled).</item>
/// <item>Block tables are append-only: a sequence only adds blocks at the end of its table, and gives all
/// of them back at once. So a block's place in a table, and an array handed to the executor, never change.</item>
/// </list>
/// </remarks>
public sealed class BlockAllocator
{
    private readonly int[] _refCounts;
    private readonly BlockHash?[] _hashes;
    private readonly Dictionary<BlockHash, int> _cached = new();
    private readonly FreeBlockQueue _free;

    public BlockAllocator(int blocks, int blockSize)
    {
        if (blocks < 1) throw new ArgumentOutOfRangeException(nameof(blocks), blocks, "at least one block");
        if (blockSize < 1) throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "at least one token per block");
        BlockSize = blockSize;
        _refCounts = new int[blocks];
        _hashes = new BlockHash?[blocks];
        _free = new FreeBlockQueue(blocks);
    }

    public int BlockSize { get; }
    public int TotalCount => _refCounts.Length;

    /// <summary>Blocks no sequence holds, cached ones included (they are evicted when needed).</summary>
    public int FreeCount => _free.Count;

    /// <summary>Blocks that still hold a registered hash (held or evictable).</summary>
    public int CachedCount => _cached.Count;

    public int RefCount(int block) => _refCounts[block];

    public int BlocksFor(int tokens) => (tokens + BlockSize - 1) / BlockSize;

    public bool CanAllocate(int count) => count <= _free.Count;

    /// <summary>Appends <paramref name="count"/> fresh blocks to <paramref name="table"/>, evicting cached contents LRU.</summary>
    public void Allocate(int count, List<int> table)
    {
        if (!CanAllocate(count)) throw new InvalidOperationException($"{count} blocks asked, {_free.Count} free: check CanAllocate first");
        for (int i = 0; i < count; i++)
        {
            int block = _free.PopFront();
            if (_hashes[block] is BlockHash old)
            {
                _cached.Remove(old);
                _hashes[block] = null;
            }
            _refCounts[block] = 1;
            table.Add(block);
        }
    }

    /// <summary>
    /// Collects into <paramref name="hits"/> the blocks holding the longest run of <paramref name="hashes"/>,
    /// from the first, up to <paramref name="maxBlocks"/>. Changes nothing: see <see cref="Share"/>.
    /// </summary>
    public void FindCached(IReadOnlyList<BlockHash> hashes, int maxBlocks, List<int> hits)
    {
        int n = Math.Min(maxBlocks, hashes.Count);
        for (int i = 0; i < n && _cached.TryGetValue(hashes[i], out int block); i++) hits.Add(block);
    }

    /// <summary>How many of <paramref name="blocks"/> are free now (sharing them takes them out of the free count).</summary>
    public int CountFree(IReadOnlyList<int> blocks)
    {
        int n = 0;
        foreach (int b in blocks) if (_refCounts[b] == 0) n++;
        return n;
    }

    /// <summary>Takes one more reference to each of <paramref name="blocks"/> (cached hits) and appends them to the table.</summary>
    public void Share(IReadOnlyList<int> blocks, List<int> table)
    {
        foreach (int b in blocks)
        {
            if (_refCounts[b]++ == 0) _free.Remove(b);
            table.Add(b);
        }
    }

    /// <summary>
    /// Records that <paramref name="block"/> holds the contents <paramref name="hash"/> names. When another
    /// block already holds them, this one stays unnamed (and is simply reused once freed).
    /// </summary>
    public void Register(int block, BlockHash hash)
    {
        if (_refCounts[block] == 0) throw new InvalidOperationException($"block {block} is free: only held blocks are registered");
        if (_hashes[block] != null || _cached.ContainsKey(hash)) return;
        _cached[hash] = block;
        _hashes[block] = hash;
    }

    /// <summary>
    /// Drops one reference to each block of <paramref name="table"/> and clears it. Blocks are queued in
    /// reverse order so that a sequence's last blocks (least likely to be a shared prefix) are evicted first.
    /// </summary>
    public void Free(List<int> table)
    {
        for (int i = table.Count - 1; i >= 0; i--)
        {
            int b = table[i];
            if (_refCounts[b] <= 0) throw new InvalidOperationException($"block {b} freed more often than it was taken");
            if (--_refCounts[b] == 0) _free.PushBack(b);
        }
        table.Clear();
    }

    /// <summary>Forgets every hash: after a failed step, cached contents cannot be trusted.</summary>
    public void ForgetCachedContents()
    {
        _cached.Clear();
        Array.Fill(_hashes, null);
    }

    /// <summary>Checks the invariants above against the tables of the live sequences; throws on the first broken one.</summary>
    internal void CheckInvariants(IEnumerable<IReadOnlyList<int>> tables)
    {
        var expected = new int[_refCounts.Length];
        foreach (var table in tables)
            foreach (int b in table) expected[b]++;
        for (int b = 0; b < _refCounts.Length; b++)
        {
            if (_refCounts[b] != expected[b])
                throw new InvalidOperationException($"block {b} has ref count {_refCounts[b]} but {expected[b]} tables hold it");
            if (_free.Contains(b) != (_refCounts[b] == 0))
                throw new InvalidOperationException($"block {b} with ref count {_refCounts[b]} is {(_free.Contains(b) ? "" : "not ")}in the free queue");
            if (_hashes[b] is BlockHash h && (!_cached.TryGetValue(h, out int owner) || owner != b))
                throw new InvalidOperationException($"block {b}'s hash {h} does not map back to it");
        }
        if (_cached.Count != _hashes.Count(h => h != null))
            throw new InvalidOperationException("the hash map and the blocks' hashes disagree");
    }
}
