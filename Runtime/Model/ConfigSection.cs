using System.Text.Json;
using QwenVL.Runtime.Checkpoint;

namespace QwenVL.Runtime.Model;

/// <summary>
/// One JSON object of a config file, read through typed lookups. A missing key and an explicit null both
/// read as absent (transformers writes nulls for unset options); a value of the wrong kind is an error
/// that names the file and the key path. A section may fall back to an outer one for keys it lacks,
/// which is how one reader serves both the flat and the nested (text_config) layouts.
/// </summary>
internal sealed class ConfigSection
{
    private readonly JsonElement _object;
    private readonly string _file;
    private readonly string _prefix;
    private readonly ConfigSection? _fallback;

    private ConfigSection(JsonElement obj, string file, string prefix, ConfigSection? fallback)
    {
        _object = obj;
        _file = file;
        _prefix = prefix;
        _fallback = fallback;
    }

    public string File => _file;

    public static ConfigSection Load(string path) => new(JsonFile.LoadObject(path), path, "", null);

    /// <summary>A section holding nothing, so every lookup takes its default.</summary>
    public static ConfigSection Empty(string file, string prefix) =>
        new(JsonDocument.Parse("{}").RootElement.Clone(), file, prefix, null);

    /// <summary>This section, reading keys it lacks from <paramref name="outer"/>.</summary>
    public ConfigSection WithFallback(ConfigSection outer) => new(_object, _file, _prefix, outer);

    /// <summary>The nested object under <paramref name="key"/> (own first, then the fallback's), or null.</summary>
    public ConfigSection? Section(string key)
    {
        if (!TryGet(key, out var value, out var owner)) return null;
        if (value.ValueKind != JsonValueKind.Object) throw owner.Invalid(key, "an object", value);
        return new ConfigSection(value, _file, owner._prefix + key + ".", null);
    }

    public ConfigSection SectionOrEmpty(string key) => Section(key) ?? Empty(_file, _prefix + key + ".");

    public bool Has(string key) => TryGet(key, out _, out _);

    public int? Int(string key)
    {
        if (!TryGet(key, out var v, out var owner)) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i)) return i;
        throw owner.Invalid(key, "an integer", v);
    }

    public double? Double(string key)
    {
        if (!TryGet(key, out var v, out var owner)) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        throw owner.Invalid(key, "a number", v);
    }

    public bool? Bool(string key)
    {
        if (!TryGet(key, out var v, out var owner)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw owner.Invalid(key, "true or false", v),
        };
    }

    public string? String(string key)
    {
        if (!TryGet(key, out var v, out var owner)) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        throw owner.Invalid(key, "a string", v);
    }

    public string[]? Strings(string key) => Array(key, "an array of strings",
        e => (e.ValueKind == JsonValueKind.String, e.ValueKind == JsonValueKind.String ? e.GetString()! : ""));

    public int[]? Ints(string key) => Array(key, "an array of integers",
        e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int i) ? (true, i) : (false, 0));

    public float[]? Floats(string key) => Array(key, "an array of numbers",
        e => e.ValueKind == JsonValueKind.Number ? (true, (float)e.GetDouble()) : (false, 0f));

    /// <summary>An integer or an array of integers (eos_token_id is written both ways), as an array.</summary>
    public int[]? IntOrInts(string key)
    {
        if (!TryGet(key, out var v, out _)) return null;
        return v.ValueKind == JsonValueKind.Array ? Ints(key) : [Int(key)!.Value];
    }

    /// <summary>An error about <paramref name="key"/> of this section, naming the file and the key path.</summary>
    public CheckpointException Error(string key, string problem) =>
        new($"{_file}: '{_prefix}{key}' {problem}");

    private T[]? Array<T>(string key, string expected, Func<JsonElement, (bool Ok, T Value)> convert)
    {
        if (!TryGet(key, out var v, out var owner)) return null;
        if (v.ValueKind != JsonValueKind.Array) throw owner.Invalid(key, expected, v);
        var result = new T[v.GetArrayLength()];
        int n = 0;
        foreach (var item in v.EnumerateArray())
        {
            var (ok, value) = convert(item);
            if (!ok) throw owner.Invalid(key, expected, v);
            result[n++] = value;
        }
        return result;
    }

    private bool TryGet(string key, out JsonElement value, out ConfigSection owner)
    {
        if (_object.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null)
        {
            owner = this;
            return true;
        }
        if (_fallback != null) return _fallback.TryGet(key, out value, out owner);
        owner = this;
        return false;
    }

    private CheckpointException Invalid(string key, string expected, JsonElement found)
    {
        string text = found.GetRawText();
        if (text.Length > 60) text = text[..60] + "…";
        return Error(key, $"must be {expected}, found {text}");
    }
}
