using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace QwenVL.Runtime.Text;

/// <summary>
/// Qwen2's byte-level BPE tokenizer, read from a Hugging Face tokenizer.json. Encoding reproduces
/// <c>tok(text, add_special_tokens=False)</c>; decoding reproduces <c>tok.decode</c>. Thread-safe once loaded.
/// </summary>
public sealed class QwenTokenizer
{
    public const string FileName = "tokenizer.json";

    private readonly BpeTokenizer _bpe;
    private readonly Dictionary<string, int> _idOfToken;
    private readonly string?[] _tokenOfId;
    private readonly bool[] _isSpecial;
    // Filled on first use per id. Two threads may fill the same slot; both write equal arrays, so the race is harmless.
    private readonly byte[]?[] _bytesOfId;

    private QwenTokenizer(TokenizerDefinition definition, string path)
    {
        foreach (var id in definition.Vocabulary.Values) VocabSize = Math.Max(VocabSize, id + 1);
        foreach (var added in definition.AddedTokens) VocabSize = Math.Max(VocabSize, added.Id + 1);

        _tokenOfId = new string?[VocabSize];
        _isSpecial = new bool[VocabSize];
        _bytesOfId = new byte[]?[VocabSize];
        foreach (var (token, id) in definition.Vocabulary)
        {
            if (id < 0) throw new InvalidDataException($"{path}: vocab entry {token} has negative id {id}");
            _tokenOfId[id] = token;
        }

        // Every added token, special or not, is cut out of the text whole, as Hugging Face does.
        var addedTokens = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var added in definition.AddedTokens)
        {
            if (added.Id < 0) throw new InvalidDataException($"{path}: added token {added.Content} has negative id {added.Id}");
            addedTokens[added.Content] = added.Id;
            _tokenOfId[added.Id] = added.Content;
            _isSpecial[added.Id] = added.Special;
            // Added tokens decode to their own text, not through the byte-level alphabet.
            _bytesOfId[added.Id] = Encoding.UTF8.GetBytes(added.Content);
        }

        try
        {
            var options = new BpeOptions(definition.Vocabulary)
            {
                Merges = definition.Merges,
                ByteLevel = true,
                SpecialTokens = addedTokens,
                Normalizer = definition.NormalizeNfc ? NfcNormalizer.Instance : null,
                PreTokenizer = new RegexPreTokenizer(new Regex(definition.SplitPattern, RegexOptions.Compiled), addedTokens),
            };
            _bpe = BpeTokenizer.Create(options);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: cannot build the BPE tokenizer: {e.Message}", e);
        }

        // The BPE library has copied the vocab, so it can now also serve lookups of added tokens.
        _idOfToken = definition.Vocabulary;
        foreach (var (content, id) in addedTokens) _idOfToken[content] = id;
    }

    /// <summary>Reads <c>tokenizer.json</c> from <paramref name="modelDirectory"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no tokenizer.json in the directory.</exception>
    /// <exception cref="InvalidDataException">tokenizer.json is not a byte-level BPE tokenizer we can run.</exception>
    public static QwenTokenizer Load(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, FileName);
        return new QwenTokenizer(TokenizerDefinition.Read(path), path);
    }

    /// <summary>Largest token id plus one, added tokens included. The model's embedding table may be larger.</summary>
    public int VocabSize { get; }

    /// <summary>
    /// Token ids of <paramref name="text"/>, without BOS/EOS. Added tokens written in the text
    /// (such as <c>&lt;|im_start|&gt;</c>) become their ids.
    /// </summary>
    public int[] Encode(string text)
    {
        if (text.Length == 0) return [];
        var ids = _bpe.EncodeToIds(text);
        var result = new int[ids.Count];
        for (var i = 0; i < result.Length; i++) result[i] = ids[i];
        return result;
    }

    /// <summary>
    /// The text of <paramref name="ids"/>. Bytes that are not valid UTF-8 become U+FFFD, and ids the
    /// tokenizer does not know are left out, both as Hugging Face does.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = false)
    {
        var length = 0;
        foreach (var id in ids)
        {
            if (!Skips(id, skipSpecialTokens)) length += BytesOrEmpty(id).Length;
        }
        if (length == 0) return string.Empty;

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = 0;
            foreach (var id in ids)
            {
                if (Skips(id, skipSpecialTokens)) continue;
                var bytes = BytesOrEmpty(id);
                bytes.CopyTo(buffer, written);
                written += bytes.Length;
            }
            return Encoding.UTF8.GetString(buffer, 0, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Whether <paramref name="id"/> is an added token flagged special (the ones skip_special_tokens drops).</summary>
    public bool IsSpecial(int id) => (uint)id < (uint)_isSpecial.Length && _isSpecial[id];

    /// <summary>
    /// The raw bytes token <paramref name="id"/> stands for: the vocab string with the byte-level alphabet
    /// undone, or an added token's UTF-8. Often not a whole UTF-8 character. The array is shared and
    /// cached: callers must not write to it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not in [0, VocabSize).</exception>
    public byte[] TokenBytes(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, VocabSize);
        return BytesOrEmpty(id);
    }

    /// <summary>The id of a vocab string (byte-level form, e.g. "Ġthe") or of an added token's content.</summary>
    public int? TokenToId(string token) => _idOfToken.TryGetValue(token, out var id) ? id : null;

    /// <summary>Like <see cref="TokenBytes"/>, but empty for ids outside the vocab, which decoding leaves out.</summary>
    internal byte[] BytesOrEmpty(int id)
    {
        if ((uint)id >= (uint)_bytesOfId.Length) return [];
        var cached = _bytesOfId[id];
        if (cached != null) return cached;
        var token = _tokenOfId[id];
        var bytes = token == null ? [] : ByteLevelAlphabet.ToBytes(token);
        _bytesOfId[id] = bytes;
        return bytes;
    }

    private bool Skips(int id, bool skipSpecialTokens) => skipSpecialTokens && IsSpecial(id);
}
