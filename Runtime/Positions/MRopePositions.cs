namespace QwenVL.Runtime.Positions;

/// <summary>
/// M-RoPE position ids (temporal, height, width), laid out plane-major as the executor takes them.
/// Text tokens carry the same id in all three planes; image tokens are added with the vision work.
/// </summary>
public static class MRopePositions
{
    /// <summary>Ids for <paramref name="count"/> text tokens starting at <paramref name="start"/>.</summary>
    public static int[] ForText(int start, int count)
    {
        var ids = new int[3 * count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = ids[count + i] = ids[2 * count + i] = start + i;
        }
        return ids;
    }

    /// <summary>Takes the slice [from, from+count) of a plane-major id array of <paramref name="total"/> tokens.</summary>
    public static int[] Slice(int[] planeMajor, int total, int from, int count)
    {
        var ids = new int[3 * count];
        for (int p = 0; p < 3; p++)
            Array.Copy(planeMajor, p * total + from, ids, p * count, count);
        return ids;
    }
}
