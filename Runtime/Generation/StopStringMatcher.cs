namespace QwenVL.Runtime.Generation;

/// <summary>
/// Finds stop strings in text as it grows. Only the tail that new text can complete is searched,
/// so the cost per token does not grow with the output.
/// </summary>
public sealed class StopStringMatcher(IReadOnlyList<string> stops)
{
    private readonly int _longest = stops.Count == 0 ? 0 : stops.Max(s => s.Length);

    public bool IsEmpty => stops.Count == 0;

    /// <summary>
    /// Index in <paramref name="text"/> where the earliest stop string starts, looking only where it
    /// could overlap the last <paramref name="newLength"/> characters; -1 if none.
    /// </summary>
    public int Find(string text, int newLength)
    {
        if (stops.Count == 0 || newLength == 0) return -1;
        int from = Math.Max(0, text.Length - newLength - _longest + 1);
        int best = -1;
        foreach (var stop in stops)
        {
            int at = text.IndexOf(stop, from, StringComparison.Ordinal);
            if (at >= 0 && (best < 0 || at < best)) best = at;
        }
        return best;
    }
}
