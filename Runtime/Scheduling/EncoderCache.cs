using QwenVL.Runtime.Execution;

namespace QwenVL.Runtime.Scheduling;

/// <summary>
/// The scheduler's view of the image embeddings the executor holds: one entry per image some live
/// sequence still has to prefill (waiting or running; a preempted one lets go until it is readmitted),
/// counted by those sequences. An entry is encoded by the first step whose
/// chunk reaches the image; when its count drops to 0 the key is released by the next step the scheduler
/// hands out (the executor releases after running it), and a later need encodes the image again.
/// </summary>
/// <remarks>
/// Invariant: the executor holds exactly the encoded entries plus the keys pending release; a key that is
/// acquired again while its release is still pending is revived (still encoded) instead of encoded twice.
/// </remarks>
internal sealed class EncoderCache
{
    private sealed class Entry
    {
        public int Refs;
        public bool Encoded;
    }

    private readonly Dictionary<ImageKey, Entry> _entries = new();
    private readonly List<ImageKey> _pendingRelease = new();

    public int Count => _entries.Count;
    public bool HasPendingReleases => _pendingRelease.Count > 0;

    public int RefCount(ImageKey key) => _entries.TryGetValue(key, out var e) ? e.Refs : 0;

    public bool IsEncoded(ImageKey key) => _entries.TryGetValue(key, out var e) && e.Encoded;

    public void Acquire(ImageKey key)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            entry.Refs++;
            return;
        }
        // Released by the scheduler but not yet by the executor: take it back.
        bool pending = _pendingRelease.Remove(key);
        _entries[key] = new Entry { Refs = 1, Encoded = pending };
    }

    public void MarkEncoded(ImageKey key) => _entries[key].Encoded = true;

    public void Release(ImageKey key)
    {
        var entry = _entries[key];
        if (--entry.Refs > 0) return;
        _entries.Remove(key);
        if (entry.Encoded) _pendingRelease.Add(key);
    }

    /// <summary>The keys to list in the next step's Release; null when there are none.</summary>
    public IReadOnlyList<ImageKey>? TakeReleases()
    {
        if (_pendingRelease.Count == 0) return null;
        var keys = _pendingRelease.ToArray();
        _pendingRelease.Clear();
        return keys;
    }

    internal void CheckInvariants(IReadOnlyDictionary<ImageKey, int> expectedRefs)
    {
        if (expectedRefs.Count != _entries.Count)
            throw new InvalidOperationException($"the encoder cache has {_entries.Count} entries; live sequences need {expectedRefs.Count} images");
        foreach (var (key, refs) in expectedRefs)
            if (RefCount(key) != refs)
                throw new InvalidOperationException($"image {key} is counted {RefCount(key)} times; {refs} live sequences need it");
    }
}
