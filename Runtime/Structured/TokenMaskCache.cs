using System.Collections.Concurrent;

namespace QwenVL.Runtime.Structured;

/// <summary>
/// Token masks of automaton states, computed on first use by one walk of the vocabulary trie and kept,
/// so a state seen before costs a copy (the per-state index outlines keeps for regex FSMs, built lazily).
/// Past its byte budget the cache is emptied wholesale and refills with the states in use. Thread-safe.
/// </summary>
internal sealed class TokenMaskCache(LazyDfa dfa, TokenVocabulary vocabulary, long budgetBytes)
{
    private readonly ConcurrentDictionary<long, StoredMask> _masks = new();
    private long _storedBytes;

    public int Count => _masks.Count;

    /// <summary>
    /// Writes the tokens allowed from <paramref name="state"/>; with <paramref name="finishing"/>, only those
    /// that leave strictly fewer bytes to go before the output can be complete.
    /// </summary>
    public void Fill(int state, bool finishing, Span<ulong> destination)
    {
        var key = ((long)state << 1) | (finishing ? 1L : 0L);
        if (!_masks.TryGetValue(key, out var mask))
        {
            mask = new StoredMask(Compute(state, finishing), vocabulary.Size);
            if (Interlocked.Add(ref _storedBytes, mask.SizeInBytes) > budgetBytes)
            {
                _masks.Clear();
                Interlocked.Exchange(ref _storedBytes, mask.SizeInBytes);
            }
            _masks.TryAdd(key, mask);
        }
        mask.CopyTo(destination);
    }

    private ulong[] Compute(int start, bool finishing)
    {
        var bits = new ulong[vocabulary.MaskWords];
        var nodeByte = vocabulary.NodeByte;
        var nodeDepth = vocabulary.NodeDepth;
        var subtreeEnd = vocabulary.SubtreeEnd;
        var nodeToken = vocabulary.NodeToken;
        var nextSameBytes = vocabulary.NextSameBytes;
        var stateAtDepth = new int[vocabulary.MaxDepth + 1];
        stateAtDepth[0] = start;
        var distanceBefore = dfa.BytesToAccept(start);

        for (var node = 0; node < nodeByte.Length;)
        {
            var depth = nodeDepth[node];
            var state = dfa.Step(stateAtDepth[depth - 1], nodeByte[node]);
            if (state == LazyDfa.Dead)
            {
                node = subtreeEnd[node];
                continue;
            }
            stateAtDepth[depth] = state;
            if (nodeToken[node] >= 0 && (!finishing || dfa.BytesToAccept(state) < distanceBefore))
            {
                for (var id = nodeToken[node]; id >= 0; id = nextSameBytes[id]) bits[id >> 6] |= 1UL << id;
            }
            node++;
        }
        return bits;
    }
}
