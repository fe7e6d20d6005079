using System.Numerics.Tensors;

namespace QwenVL.Runtime.Cpu;

/// <summary>
/// Causal grouped-query attention of one sequence's new tokens over everything the paged cache
/// holds for it (earlier chunks and prefix hits included). Scores and softmax in float32.
/// </summary>
public static class CpuAttention
{
    /// <param name="q">the chunk's queries, [tokens, heads·headDim] at row stride <paramref name="qStride"/></param>
    /// <param name="output">[tokens, heads·headDim]</param>
    public static void Run(
        CpuKvCache cache, int layer, int[] blockTable, int contextLength, int tokens,
        float[] q, int qOffset, int qStride, int heads, float[] output, int outputOffset)
    {
        int hd = cache.HeadDim, group = heads / cache.KvHeads;
        float scale = 1f / MathF.Sqrt(hd);
        var keys = cache.Keys(layer);
        var values = cache.Values(layer);
        void Work(int item)
        {
            int t = item / heads, head = item % heads, kvHead = head / group;
            int length = contextLength + t + 1;
            var scores = new float[length];
            var query = new ReadOnlySpan<float>(q, qOffset + t * qStride + head * hd, hd);
            for (int p = 0; p < length; p++)
            {
                int slot = cache.SlotOffset(blockTable, p) + kvHead * hd;
                scores[p] = TensorPrimitives.Dot(query, new ReadOnlySpan<float>(keys, slot, hd)) * scale;
            }
            TensorPrimitives.SoftMax(scores, scores);
            var dst = new Span<float>(output, outputOffset + t * heads * hd + head * hd, hd);
            dst.Clear();
            for (int p = 0; p < length; p++)
            {
                int slot = cache.SlotOffset(blockTable, p) + kvHead * hd;
                TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(values, slot, hd), scores[p], dst, dst);
            }
        }
        int items = tokens * heads;
        if ((long)items * (contextLength + tokens) * hd < 1 << 16)
            for (int i = 0; i < items; i++) Work(i);
        else
            Parallel.For(0, items, Work);
    }
}
