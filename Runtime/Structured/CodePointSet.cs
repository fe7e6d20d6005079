namespace QwenVL.Runtime.Structured;

/// <summary>An immutable set of Unicode scalar values as sorted, disjoint, non-adjacent inclusive ranges.</summary>
internal sealed class CodePointSet
{
    public const int MaxCodePoint = 0x10FFFF;

    private CodePointSet(IReadOnlyList<(int Lo, int Hi)> ranges) => Ranges = ranges;

    public IReadOnlyList<(int Lo, int Hi)> Ranges { get; }

    public static CodePointSet Empty { get; } = new([]);
    public static CodePointSet All { get; } = new([(0, MaxCodePoint)]);

    public bool IsEmpty => Ranges.Count == 0;

    public static CodePointSet Of(int codePoint) => new([(codePoint, codePoint)]);

    public static CodePointSet Range(int lo, int hi) => lo > hi ? Empty : new([(lo, hi)]);

    public static CodePointSet FromRanges(IEnumerable<(int Lo, int Hi)> ranges)
    {
        var merged = new List<(int Lo, int Hi)>();
        foreach (var (lo, hi) in ranges.Where(r => r.Lo <= r.Hi).OrderBy(r => r.Lo))
        {
            if (merged.Count > 0 && lo <= merged[^1].Hi + 1)
                merged[^1] = (merged[^1].Lo, Math.Max(merged[^1].Hi, hi));
            else
                merged.Add((lo, hi));
        }
        return new CodePointSet(merged);
    }

    public CodePointSet Union(CodePointSet other) => FromRanges(Ranges.Concat(other.Ranges));

    public CodePointSet Complement()
    {
        var result = new List<(int Lo, int Hi)>();
        var next = 0;
        foreach (var (lo, hi) in Ranges)
        {
            if (lo > next) result.Add((next, lo - 1));
            next = hi + 1;
        }
        if (next <= MaxCodePoint) result.Add((next, MaxCodePoint));
        return new CodePointSet(result);
    }

    public CodePointSet Intersect(CodePointSet other) => Complement().Union(other.Complement()).Complement();

    public CodePointSet Except(CodePointSet other) => Intersect(other.Complement());

    public bool Contains(int codePoint)
    {
        foreach (var (lo, hi) in Ranges)
        {
            if (codePoint < lo) return false;
            if (codePoint <= hi) return true;
        }
        return false;
    }
}
