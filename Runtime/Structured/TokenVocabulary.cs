using QwenVL.Runtime.Text;

namespace QwenVL.Runtime.Structured;

/// <summary>
/// The byte strings of a tokenizer's tokens, in a trie laid out flat in depth-first order: a mask is one
/// linear scan that skips a whole subtree as soon as its prefix is refused (the token-trie walk outlines
/// and llguidance use). Special tokens are left out: the grammar never allows them. Built once per
/// tokenizer; immutable and thread-safe.
/// </summary>
public sealed class TokenVocabulary
{
    private readonly byte[][] _bytes;
    private readonly bool[] _isSpecial;

    /// <param name="tokenBytes">Bytes of each token id; an empty array for ids with no text.</param>
    /// <param name="isSpecial">Ids the grammar must never allow (control tokens such as <c>&lt;|im_start|&gt;</c>).</param>
    public TokenVocabulary(IReadOnlyList<byte[]> tokenBytes, Func<int, bool> isSpecial)
    {
        Size = tokenBytes.Count;
        _bytes = tokenBytes.ToArray();
        _isSpecial = Enumerable.Range(0, Size).Select(isSpecial).ToArray();
        var grammarTokens = Enumerable.Range(0, Size).Where(id => _bytes[id].Length > 0 && !_isSpecial[id]).ToArray();
        Array.Sort(grammarTokens, (a, b) => _bytes[a].AsSpan().SequenceCompareTo(_bytes[b]));
        BuildTrie(grammarTokens);
    }

    public static TokenVocabulary FromTokenizer(QwenTokenizer tokenizer)
    {
        var bytes = new byte[tokenizer.VocabSize][];
        for (var id = 0; id < bytes.Length; id++) bytes[id] = tokenizer.TokenBytes(id);
        return new TokenVocabulary(bytes, tokenizer.IsSpecial);
    }

    /// <summary>Number of token ids (largest id plus one).</summary>
    public int Size { get; }

    /// <summary>Words of a token bitmask: 64 ids per <see cref="ulong"/>.</summary>
    public int MaskWords => (Size + 63) / 64;

    public ReadOnlySpan<byte> Bytes(int id) => (uint)id < (uint)Size ? _bytes[id] : [];

    public bool IsSpecial(int id) => (uint)id < (uint)Size && _isSpecial[id];

    // Trie nodes in preorder. A node's subtree is [node, SubtreeEnd[node]); depth 1 is a token's first byte.
    internal byte[] NodeByte { get; private set; } = [];
    internal int[] NodeDepth { get; private set; } = [];
    internal int[] SubtreeEnd { get; private set; } = [];
    /// <summary>The first token id whose bytes end at the node, or -1; further ids with the same bytes follow <see cref="NextSameBytes"/>.</summary>
    internal int[] NodeToken { get; private set; } = [];
    internal int[] NextSameBytes { get; private set; } = [];
    internal int MaxDepth { get; private set; }

    private void BuildTrie(int[] sortedTokens)
    {
        var bytes = new List<byte>();
        var depths = new List<int>();
        var ends = new List<int>();
        var tokens = new List<int>();
        NextSameBytes = new int[Size];
        Array.Fill(NextSameBytes, -1);

        var path = new List<int>();
        ReadOnlySpan<byte> previous = [];
        foreach (var id in sortedTokens)
        {
            var current = _bytes[id].AsSpan();
            var shared = current.CommonPrefixLength(previous);
            while (path.Count > shared)
            {
                ends[path[^1]] = bytes.Count;
                path.RemoveAt(path.Count - 1);
            }
            for (var i = shared; i < current.Length; i++)
            {
                path.Add(bytes.Count);
                bytes.Add(current[i]);
                depths.Add(i + 1);
                ends.Add(-1);
                tokens.Add(-1);
            }
            var node = path[^1];
            if (tokens[node] >= 0) NextSameBytes[id] = tokens[node];
            tokens[node] = id;
            previous = current;
            MaxDepth = Math.Max(MaxDepth, current.Length);
        }
        foreach (var node in path) ends[node] = bytes.Count;

        NodeByte = bytes.ToArray();
        NodeDepth = depths.ToArray();
        SubtreeEnd = ends.ToArray();
        NodeToken = tokens.ToArray();
    }
}
