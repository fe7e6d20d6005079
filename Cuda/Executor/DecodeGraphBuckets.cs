namespace QwenVL.Cuda.Executor;

/// <summary>
/// The decode batch sizes that get a captured graph, as vLLM picks them: 1, 2, 4, then every multiple of 8 up to
/// the largest; a step of n sequences replays the smallest bucket ≥ n with the rest padded, so at most 7 rows
/// (past 8) are wasted.
/// </summary>
public sealed class DecodeGraphBuckets
{
    private readonly int[] _sizes;

    public DecodeGraphBuckets(int largest)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(largest, 1);
        var sizes = new List<int>();
        for (int b = 1; b < Math.Min(8, largest); b *= 2) sizes.Add(b);
        for (int b = 8; b <= largest; b += 8) sizes.Add(b);
        if (sizes.Count == 0 || sizes[^1] != largest) sizes.Add(largest);
        _sizes = [.. sizes];
    }

    /// <summary>Ascending.</summary>
    public IReadOnlyList<int> Sizes => _sizes;

    public int Largest => _sizes[^1];

    /// <summary>The smallest bucket that holds <paramref name="sequences"/>, or null when none does.</summary>
    public int? For(int sequences)
    {
        if (sequences < 1 || sequences > Largest) return null;
        int index = Array.BinarySearch(_sizes, sequences);
        return _sizes[index >= 0 ? index : ~index];
    }
}
