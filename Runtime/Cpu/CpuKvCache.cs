namespace QwenVL.Runtime.Cpu;

/// <summary>
/// The paged KV cache: per layer, K and V for NumBlocks × BlockSize token slots, each slot holding
/// every KV head. A sequence reaches its tokens through its block table: position p lives in
/// block BlockTable[p / BlockSize] at offset p % BlockSize — the layout the scheduler allocates.
/// </summary>
public sealed class CpuKvCache
{
    private readonly float[][] _keys;
    private readonly float[][] _values;

    public int NumBlocks { get; }
    public int BlockSize { get; }
    public int KvHeads { get; }
    public int HeadDim { get; }
    public int SlotWidth => KvHeads * HeadDim;

    public CpuKvCache(int layers, int numBlocks, int blockSize, int kvHeads, int headDim)
    {
        NumBlocks = numBlocks;
        BlockSize = blockSize;
        KvHeads = kvHeads;
        HeadDim = headDim;
        long perLayer = (long)numBlocks * blockSize * kvHeads * headDim;
        if (perLayer > Array.MaxLength) throw new ArgumentException($"KV cache of {numBlocks} blocks is too large for one array per layer");
        _keys = new float[layers][];
        _values = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            _keys[l] = new float[perLayer];
            _values[l] = new float[perLayer];
        }
    }

    public static long BytesPerBlock(int layers, int blockSize, int kvHeads, int headDim) =>
        2L * layers * blockSize * kvHeads * headDim * sizeof(float);

    /// <summary>Offset of a sequence position's slot within a layer's K or V array.</summary>
    public int SlotOffset(int[] blockTable, int position)
    {
        int blockIndex = position / BlockSize;
        if (blockIndex >= blockTable.Length)
            throw new ArgumentException($"position {position} is past the block table ({blockTable.Length} blocks of {BlockSize})");
        int block = blockTable[blockIndex];
        if ((uint)block >= (uint)NumBlocks) throw new ArgumentException($"block {block} is outside the cache of {NumBlocks} blocks");
        return (block * BlockSize + position % BlockSize) * SlotWidth;
    }

    public float[] Keys(int layer) => _keys[layer];
    public float[] Values(int layer) => _values[layer];
}
