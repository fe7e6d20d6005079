using QwenVL.Runtime.Text;

namespace QwenVL.Bench.Simulation;

/// <summary>
/// Token ids that each decode to one space and one whole English word, taken from the model's own tokenizer, for a
/// <see cref="SimulatedExecutor"/> to sample from: whatever it strings together detokenizes to clean text, so the
/// simulated server's responses and stop strings behave as with words.
/// </summary>
public static class PlainWordTokens
{
    // Common words a byte-level BPE vocabulary holds whole with a leading space.
    private const string Sentence =
        "The quick brown fox jumps over the lazy dog while a small bird sings in the old green tree near the river, "
        + "and people walk along the road to see the light of the morning sun over the water and the long hills. "
        + "Every day we read books, write letters, make food, play music and talk about the world with our friends.";

    /// <summary>The distinct ids, in the order the sentence first uses them.</summary>
    public static int[] From(QwenTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var ids = new List<int>();
        foreach (int id in tokenizer.Encode(Sentence))
        {
            if (!ids.Contains(id) && IsSpaceAndWord(tokenizer.Decode([id]))) ids.Add(id);
        }
        if (ids.Count == 0) throw new InvalidOperationException("the tokenizer holds none of the sentence's words as one token");
        return ids.ToArray();
    }

    private static bool IsSpaceAndWord(string text) =>
        text.Length > 1 && text[0] == ' ' && text.AsSpan(1).IndexOfAnyExcept(Letters) < 0;

    private static readonly System.Buffers.SearchValues<char> Letters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
}
