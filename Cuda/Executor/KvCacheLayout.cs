using QwenVL.Runtime.Model;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// The paged KV cache in bf16, the CPU executor's layout: per layer, K then V, each
/// [blocks, block size, KV heads, head dim]. A sequence's position p lives in block BlockTable[p / BlockSize]
/// at offset p % BlockSize, so its slot is block · BlockSize + offset.
/// </summary>
public sealed record KvCacheLayout(int Layers, int BlockSize, int KvHeads, int HeadDim)
{
    public static KvCacheLayout For(TextConfig c, int blockSize) => new(c.NumLayers, blockSize, c.NumKvHeads, c.HeadDim);

    /// <summary>Bytes of one slot: every KV head of one position, in one of K or V.</summary>
    public long SlotBytes => (long)KvHeads * HeadDim * 2;

    /// <summary>Bytes one block takes over all layers, K and V.</summary>
    public long BytesPerBlock => 2L * Layers * BlockSize * SlotBytes;

    /// <summary>The most blocks that fit in <paramref name="bytes"/>, also kept below where a slot index would overflow an int.</summary>
    public int BlocksWithin(long bytes) => (int)Math.Min(bytes / BytesPerBlock, int.MaxValue / BlockSize);

    /// <summary>Byte offset of layer <paramref name="layer"/>'s K (or V) array in a cache of <paramref name="blocks"/> blocks.</summary>
    public long Offset(int layer, bool value, int blocks) => (2L * layer + (value ? 1 : 0)) * blocks * BlockSize * SlotBytes;
}
