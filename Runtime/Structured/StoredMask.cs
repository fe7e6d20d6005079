using System.Numerics;

namespace QwenVL.Runtime.Structured;

/// <summary>
/// A cached token mask in whichever form is smallest: the allowed ids, the refused ids, or the bitmap.
/// Structural states allow a few hundred tokens and string interiors nearly all, so most masks are lists.
/// </summary>
internal sealed class StoredMask
{
    private readonly ulong[]? _bitmap;
    private readonly int[]? _ids;
    private readonly bool _idsAreRefused;
    private readonly int _vocabularySize;

    public StoredMask(ReadOnlySpan<ulong> bitmap, int vocabularySize)
    {
        _vocabularySize = vocabularySize;
        var allowed = 0;
        foreach (var word in bitmap) allowed += BitOperations.PopCount(word);
        var refused = vocabularySize - allowed;
        var bitmapBytes = bitmap.Length * sizeof(ulong);
        if (allowed * sizeof(int) < bitmapBytes) _ids = SetBits(bitmap, allowed, want: true, vocabularySize);
        else if (refused * sizeof(int) < bitmapBytes) (_ids, _idsAreRefused) = (SetBits(bitmap, refused, want: false, vocabularySize), true);
        else _bitmap = bitmap.ToArray();
        AllowedCount = allowed;
    }

    public int AllowedCount { get; }

    public long SizeInBytes => (_bitmap?.Length * sizeof(ulong) ?? 0) + (_ids?.Length * sizeof(int) ?? 0) + 48;

    /// <summary>Writes the mask over <paramref name="destination"/>, clearing every bit it does not set.</summary>
    public void CopyTo(Span<ulong> destination)
    {
        destination.Clear();
        if (_bitmap != null)
        {
            _bitmap.AsSpan(0, Math.Min(_bitmap.Length, destination.Length)).CopyTo(destination);
            return;
        }
        var ids = _ids!;
        if (!_idsAreRefused)
        {
            foreach (var id in ids) destination[id >> 6] |= 1UL << id;
            return;
        }
        var fullWords = Math.Min(_vocabularySize >> 6, destination.Length);
        destination[..fullWords].Fill(ulong.MaxValue);
        if ((_vocabularySize & 63) != 0 && fullWords < destination.Length) destination[fullWords] = (1UL << (_vocabularySize & 63)) - 1;
        foreach (var id in ids) destination[id >> 6] &= ~(1UL << id);
    }

    private static int[] SetBits(ReadOnlySpan<ulong> bitmap, int count, bool want, int vocabularySize)
    {
        var ids = new int[count];
        var n = 0;
        for (var id = 0; id < vocabularySize; id++)
        {
            if (((bitmap[id >> 6] >> id) & 1) == (want ? 1UL : 0UL)) ids[n++] = id;
        }
        return ids;
    }
}
