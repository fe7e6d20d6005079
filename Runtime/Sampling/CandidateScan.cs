using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace QwenVL.Runtime.Sampling;

/// <summary>
/// One pass over the vocabulary that collects the tokens worth sampling from: those with a logit at or
/// above a bound (min_p, in logit space) and, when top_k is on, a superset of the k highest of those.
/// </summary>
/// <remarks>
/// For top_k the scan keeps at most 2k candidates: when that fills up, quickselect narrows it to the
/// best k and the bound rises to just above the k-th logit, since no later token can displace it on a
/// tie (later tokens have higher ids and ties go to the lower id). Once the bound is high, whole vector
/// blocks fall below it and are skipped with one comparison, so a 152k-token scan for a small k touches
/// few tokens one by one. Callers still narrow the result to k: it may hold up to 2k.
/// </remarks>
internal static class CandidateScan
{
    /// <summary>
    /// Writes the logits and ids of the candidates into <paramref name="keys"/> and <paramref name="ids"/>
    /// (each as long as the vocabulary) and returns how many there are.
    /// </summary>
    /// <param name="topK">0 when top_k is off.</param>
    public static int Collect(ReadOnlySpan<float> logits, float bound, int topK, Span<float> keys, Span<int> ids)
    {
        if (topK <= 0 || topK > logits.Length / 2) return CollectAtOrAbove(logits, bound, keys, ids);
        var scan = new State(bound, topK);
        int id = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float start = ref MemoryMarshal.GetReference(logits);
            for (; id <= logits.Length - Vector256<float>.Count; id += Vector256<float>.Count)
            {
                Vector256<float> block = Vector256.LoadUnsafe(ref start, (nuint)id);
                if (!Vector256.GreaterThanOrEqualAny(block, Vector256.Create(scan.Bound))) continue;
                for (int j = id; j < id + Vector256<float>.Count; j++)
                    scan.Offer(logits[j], j, keys, ids);
            }
        }
        for (; id < logits.Length; id++)
            scan.Offer(logits[id], id, keys, ids);
        return scan.Count;
    }

    /// <summary>Without top_k narrowing: every token at or above the bound.</summary>
    private static int CollectAtOrAbove(ReadOnlySpan<float> logits, float bound, Span<float> keys, Span<int> ids)
    {
        // Without min_p the bound is far below the top, and often every token passes: then the
        // candidates are the logits as they are, written with block copies instead of a branch per token.
        if (TensorPrimitives.Min(logits) >= bound)
        {
            logits.CopyTo(keys);
            WriteIdentity(ids[..logits.Length]);
            return logits.Length;
        }
        int count = 0;
        int id = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // With min_p or a low temperature few tokens pass, and most blocks are skipped whole.
            ref float start = ref MemoryMarshal.GetReference(logits);
            Vector256<float> atLeast = Vector256.Create(bound);
            for (; id <= logits.Length - Vector256<float>.Count; id += Vector256<float>.Count)
            {
                if (!Vector256.GreaterThanOrEqualAny(Vector256.LoadUnsafe(ref start, (nuint)id), atLeast)) continue;
                for (int j = id; j < id + Vector256<float>.Count; j++)
                    Keep(logits[j], j, bound, keys, ids, ref count);
            }
        }
        for (; id < logits.Length; id++)
            Keep(logits[id], id, bound, keys, ids, ref count);
        return count;
    }

    private static void Keep(float logit, int id, float bound, Span<float> keys, Span<int> ids, ref int count)
    {
        if (!(logit >= bound)) return;
        keys[count] = logit;
        ids[count] = id;
        count++;
    }

    private static void WriteIdentity(Span<int> ids)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref int start = ref MemoryMarshal.GetReference(ids);
            for (; i <= ids.Length - Vector256<int>.Count; i += Vector256<int>.Count)
                (Vector256<int>.Indices + Vector256.Create(i)).StoreUnsafe(ref start, (nuint)i);
        }
        for (; i < ids.Length; i++) ids[i] = i;
    }

    private struct State(float bound, int topK)
    {
        private readonly int _topK = topK;
        private readonly int _capacity = 2 * topK;

        public float Bound = bound;
        public int Count;

        public void Offer(float logit, int id, Span<float> keys, Span<int> ids)
        {
            if (!(logit >= Bound)) return;
            if (Count == _capacity)
            {
                CandidateSelection.MoveHighestToFront(keys[..Count], ids[..Count], _topK);
                Count = _topK;
                // The k-th best stays ahead of any later token with an equal logit, so only a strictly
                // higher logit can still get in.
                Bound = MathF.BitIncrement(keys[_topK - 1]);
                if (!(logit >= Bound)) return;
            }
            keys[Count] = logit;
            ids[Count] = id;
            Count++;
        }
    }
}
