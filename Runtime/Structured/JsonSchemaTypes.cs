using System.Text.Json;

namespace QwenVL.Runtime.Structured;

/// <summary>The per-type half of the schema compiler: <c>type</c> and the keywords of each type.</summary>
internal sealed partial class JsonSchemaCompiler
{
    private Fragment CompileTypes(JsonElement schema, string path)
    {
        var types = DeclaredTypes(schema, path) ?? SchemaKeywords.ImpliedTypes(schema);
        if (types.Count == 0) return _json.AnyValue(_options.FreeValueDepth);
        if (types.Contains("number")) types.Remove("integer");
        return _nfa.Choice(types.Distinct().Select(type => CompileType(type, schema, path)).ToArray());
    }

    private static List<string>? DeclaredTypes(JsonElement schema, string path)
    {
        if (!schema.TryGetProperty("type", out var type)) return null;
        var names = type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array when type.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String) =>
                type.EnumerateArray().Select(t => t.GetString()!).ToList(),
            _ => throw new StructuredOutputException("'type' must be a string or an array of strings", path, "type"),
        };
        var unknown = names.FirstOrDefault(name => !SchemaKeywords.ByType.ContainsKey(name));
        if (unknown != null) throw new StructuredOutputException($"unknown type '{unknown}'", path, "type");
        return names;
    }

    private Fragment CompileType(string type, JsonElement schema, string path) => type switch
    {
        "null" => _nfa.Literal("null"),
        "boolean" => _nfa.Choice(_nfa.Literal("true"), _nfa.Literal("false")),
        "string" => CompileString(schema, path),
        "integer" => CompileInteger(schema, path),
        "number" => CompileNumber(schema, path),
        "object" => CompileObject(schema, path),
        _ => CompileArray(schema, path),
    };

    private Fragment CompileString(JsonElement schema, string path)
    {
        var minLength = ReadCount(schema, "minLength", path) ?? 0;
        var maxLength = ReadCount(schema, "maxLength", path);
        var lengthKeyword = schema.TryGetProperty("minLength", out _) ? "minLength" : maxLength != null ? "maxLength" : null;
        if (schema.TryGetProperty("pattern", out var pattern))
        {
            RefuseTogether("pattern", lengthKeyword ?? (schema.TryGetProperty("format", out _) ? "format" : null), path);
            if (pattern.ValueKind != JsonValueKind.String) throw new StructuredOutputException("'pattern' must be a string", path, "pattern");
            return WithPath(() => JsonStrings.Matching(_nfa, pattern.GetString()!), path);
        }
        if (schema.TryGetProperty("format", out var format))
        {
            RefuseTogether("format", lengthKeyword, path);
            var regex = StringFormats.Pattern(format.GetString() ?? "")
                ?? throw new StructuredOutputException($"unsupported string format '{format}'", path, "format");
            return JsonStrings.Matching(_nfa, regex);
        }
        return JsonStrings.Quoted(_nfa, minLength, maxLength);
    }

    private static void RefuseTogether(string keyword, string? other, string path)
    {
        if (other != null)
            throw new StructuredOutputException($"'{keyword}' combined with '{other}' is not supported", path, keyword);
    }

    private static Fragment WithPath(Func<Fragment> compile, string path)
    {
        try
        {
            return compile();
        }
        catch (StructuredOutputException e) when (e.Path.Length == 0)
        {
            throw new StructuredOutputException($"'{e.Keyword}': {e.Message}", path, e.Keyword);
        }
    }

    private Fragment CompileInteger(JsonElement schema, string path)
    {
        long? lo = null, hi = null;
        if (ReadBound(schema, "minimum", path) is decimal min) lo = Clamp(Math.Ceiling(min));
        if (ReadBound(schema, "exclusiveMinimum", path) is decimal exMin) lo = Max(lo, Clamp(Math.Floor(exMin) + 1));
        if (ReadBound(schema, "maximum", path) is decimal max) hi = Clamp(Math.Floor(max));
        if (ReadBound(schema, "exclusiveMaximum", path) is decimal exMax) hi = Min(hi, Clamp(Math.Ceiling(exMax) - 1));
        return JsonNumbers.Integer(_nfa, lo, hi);
    }

    private Fragment CompileNumber(JsonElement schema, string path)
    {
        var bounds = new (string Keyword, decimal? Value)[]
        {
            ("minimum", ReadBound(schema, "minimum", path)), ("exclusiveMinimum", ReadBound(schema, "exclusiveMinimum", path)),
            ("maximum", ReadBound(schema, "maximum", path)), ("exclusiveMaximum", ReadBound(schema, "exclusiveMaximum", path)),
        };
        if (bounds.All(b => b.Value == null)) return JsonNumbers.Unbounded(_nfa);
        var fractional = bounds.FirstOrDefault(b => b.Value is decimal v && v != Math.Floor(v));
        if (fractional.Keyword != null)
            throw new StructuredOutputException($"'{fractional.Keyword}' on a number must be a whole number", path, fractional.Keyword);
        var (min, exMin, max, exMax) = (Clamp(bounds[0].Value), Clamp(bounds[1].Value), Clamp(bounds[2].Value), Clamp(bounds[3].Value));
        // A strict bound is the tighter one when both kinds are given and meet.
        var lower = exMin != null && (min == null || exMin >= min) ? (exMin, true) : (min, false);
        var upper = exMax != null && (max == null || exMax <= max) ? (exMax, true) : (max, false);
        return JsonNumbers.Bounded(_nfa, lower.Item1, lower.Item2, upper.Item1, upper.Item2);
    }

    private static decimal? ReadBound(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
            throw new StructuredOutputException($"'{keyword}' must be a number", path, keyword);
        return number;
    }

    private static int? ReadCount(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value)) return null;
        if (!value.TryGetInt32(out var count) || count < 0)
            throw new StructuredOutputException($"'{keyword}' must be a non-negative integer", path, keyword);
        return count;
    }

    /// <summary>Bounds past the digit limit constrain nothing more than the limit does, so they are clamped to just beyond it.</summary>
    private static long? Clamp(decimal? value) => value == null ? null : (long)Math.Clamp(value.Value, -JsonNumbers.Largest - 1, JsonNumbers.Largest + 1);

    private static long? Max(long? a, long? b) => a == null ? b : b == null ? a : Math.Max(a.Value, b.Value);

    private static long? Min(long? a, long? b) => a == null ? b : b == null ? a : Math.Min(a.Value, b.Value);
}
