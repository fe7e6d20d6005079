using System.Globalization;

namespace QwenVL.Runtime.Structured;

/// <summary>
/// Characters that always begin a new grapheme cluster and never join the next one, so a string of them
/// has as many text elements as code points. JSON Schema counts <c>minLength</c> in code points, but some
/// validators (JsonSchema.Net among them) count text elements, where <c>e</c> + U+0301 is one: strings
/// with a minimum length are built from these characters so they pass under either count.
/// </summary>
internal static class StandaloneCharacters
{
    private static readonly Lazy<CodePointSet> LazySet = new(Build);

    public static CodePointSet Set => LazySet.Value;

    private static readonly (int Lo, int Hi)[] Joining =
    [
        ('\r', '\r'),             // CR LF is one cluster
        (0x0E33, 0x0E33), (0x0EB3, 0x0EB3), // Thai and Lao SARA AM: spacing marks filed as letters
        (0x0D4E, 0x0D4E), (0x111C2, 0x111C3), (0x1193F, 0x1193F), (0x11941, 0x11941),
        (0x11A3A, 0x11A3A), (0x11A84, 0x11A89), (0x11D46, 0x11D46), // prepended letters
        (0x1100, 0x11FF), (0xA960, 0xA97F), (0xD7B0, 0xD7FF), // Hangul jamo
        (0x1F1E6, 0x1F1FF),       // regional indicators pair into flags
        (0x1F3FB, 0x1F3FF),       // emoji skin-tone modifiers
    ];

    private static CodePointSet Build()
    {
        var kept = new List<(int Lo, int Hi)>();
        for (var codePoint = 0; codePoint <= CodePointSet.MaxCodePoint; codePoint++)
        {
            if (!Standalone(CharUnicodeInfo.GetUnicodeCategory(codePoint))) continue;
            if (kept.Count > 0 && kept[^1].Hi == codePoint - 1) kept[^1] = (kept[^1].Lo, codePoint);
            else kept.Add((codePoint, codePoint));
        }
        return CodePointSet.FromRanges(kept).Except(CodePointSet.FromRanges(Joining));
    }

    private static bool Standalone(UnicodeCategory category) => category is not (
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
        or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned);
}
