using System.Text.Json;

namespace QwenVL.Runtime.Text;

/// <summary>
/// What a Hugging Face tokenizer.json says about a byte-level BPE tokenizer such as Qwen2's: the vocab,
/// the merges, the pre-tokenizer's split regex, whether text is NFC-normalized, and the added tokens.
/// </summary>
internal sealed record TokenizerDefinition(
    Dictionary<string, int> Vocabulary,
    List<string> Merges,
    string SplitPattern,
    bool NormalizeNfc,
    IReadOnlyList<AddedToken> AddedTokens)
{
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not JSON or not a byte-level BPE tokenizer we can run.</exception>
    public static TokenizerDefinition Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"tokenizer file not found: {path}", path);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            return FromJson(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException
                                       or FormatException or InvalidDataException)
        {
            throw new InvalidDataException($"{path}: not a usable tokenizer.json: {e.Message}", e);
        }
    }

    private static TokenizerDefinition FromJson(JsonElement root)
    {
        var model = root.GetProperty("model");
        if (model.TryGetProperty("type", out var type) && type.GetString() != "BPE")
            throw new InvalidDataException($"model.type is {type.GetString()}, only BPE is supported");

        var vocabJson = model.GetProperty("vocab");
        var vocabulary = new Dictionary<string, int>(capacity: 160_000, StringComparer.Ordinal);
        foreach (var entry in vocabJson.EnumerateObject())
            vocabulary.Add(entry.Name, entry.Value.GetInt32());

        return new TokenizerDefinition(
            vocabulary,
            ReadMerges(model.GetProperty("merges")),
            ReadSplitPattern(root.GetProperty("pre_tokenizer")),
            ReadNormalizeNfc(root),
            ReadAddedTokens(root));
    }

    // Older files write a merge as "a b", newer ones as ["a", "b"]; the BPE library takes the first form.
    private static List<string> ReadMerges(JsonElement merges)
    {
        var result = new List<string>(merges.GetArrayLength());
        foreach (var merge in merges.EnumerateArray())
        {
            if (merge.ValueKind == JsonValueKind.String)
            {
                result.Add(merge.GetString()!);
                continue;
            }
            if (merge.ValueKind != JsonValueKind.Array || merge.GetArrayLength() != 2)
                throw new InvalidDataException("model.merges holds an entry that is neither \"a b\" nor [a, b]");
            result.Add(merge[0].GetString() + " " + merge[1].GetString());
        }
        return result;
    }

    // Qwen2 writes Sequence[Split(regex), ByteLevel(use_regex=false)]: the regex does the splitting and
    // ByteLevel only maps bytes, which the BPE library does itself when ByteLevel is on.
    private static string ReadSplitPattern(JsonElement preTokenizer)
    {
        if (preTokenizer.ValueKind == JsonValueKind.Object && preTokenizer.GetProperty("type").GetString() == "Sequence")
        {
            foreach (var step in preTokenizer.GetProperty("pretokenizers").EnumerateArray())
            {
                if (TryReadSplit(step, out var pattern)) return pattern;
            }
        }
        else if (TryReadSplit(preTokenizer, out var pattern))
        {
            return pattern;
        }
        throw new InvalidDataException("pre_tokenizer has no Split step with a regex");
    }

    private static bool TryReadSplit(JsonElement step, out string pattern)
    {
        pattern = "";
        if (step.ValueKind != JsonValueKind.Object || step.GetProperty("type").GetString() != "Split") return false;
        if (!step.GetProperty("pattern").TryGetProperty("Regex", out var regex)) return false;
        pattern = regex.GetString()!;
        return true;
    }

    private static bool ReadNormalizeNfc(JsonElement root)
    {
        if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null)
            return false;
        var type = normalizer.GetProperty("type").GetString();
        return type == "NFC"
            ? true
            : throw new InvalidDataException($"normalizer {type} is not supported, only NFC");
    }

    private static List<AddedToken> ReadAddedTokens(JsonElement root)
    {
        var result = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var added)) return result;
        foreach (var token in added.EnumerateArray())
        {
            result.Add(new AddedToken(
                token.GetProperty("id").GetInt32(),
                token.GetProperty("content").GetString()!,
                token.TryGetProperty("special", out var special) && special.GetBoolean()));
        }
        return result;
    }
}
