using System.Text.Json;

namespace QwenVL.Runtime.Structured;

/// <summary>The JSON Schema keywords the compiler knows, grouped by the type they constrain.</summary>
internal static class SchemaKeywords
{
    /// <summary>Ignored: they describe a value without constraining it. <c>$defs</c> only hold targets of <c>$ref</c>.</summary>
    public static readonly HashSet<string> Annotations =
    [
        "description", "title", "default", "$schema", "examples", "$comment", "$id", "deprecated",
        "readOnly", "writeOnly", "$defs", "definitions",
    ];

    public static readonly HashSet<string> General = ["type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref"];

    public static readonly Dictionary<string, string[]> ByType = new()
    {
        ["object"] = ["properties", "required", "additionalProperties"],
        ["array"] = ["items", "prefixItems", "minItems", "maxItems"],
        ["string"] = ["minLength", "maxLength", "pattern", "format"],
        ["integer"] = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
        ["number"] = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
        ["boolean"] = [],
        ["null"] = [],
    };

    private static readonly HashSet<string> Known =
        [.. Annotations, .. General, .. ByType.Values.SelectMany(keywords => keywords)];

    /// <summary>Throws naming the first keyword of <paramref name="schema"/> the compiler does not support.</summary>
    public static void RejectUnknown(JsonElement schema, string path)
    {
        foreach (var property in schema.EnumerateObject())
        {
            if (!Known.Contains(property.Name))
                throw new StructuredOutputException($"unsupported JSON Schema keyword '{property.Name}'", path, property.Name);
        }
    }

    /// <summary>The keywords of <paramref name="schema"/> that constrain values (not annotations).</summary>
    public static IEnumerable<string> Constraints(JsonElement schema) =>
        schema.EnumerateObject().Select(p => p.Name).Where(name => !Annotations.Contains(name));

    /// <summary>Throws when <paramref name="keyword"/> has sibling constraints the compiler cannot intersect with it.</summary>
    public static void RequireAlone(JsonElement schema, string keyword, string path)
    {
        var sibling = Constraints(schema).FirstOrDefault(name => name != keyword);
        if (sibling != null)
            throw new StructuredOutputException($"'{keyword}' combined with '{sibling}' in one schema is not supported", path, keyword);
    }

    /// <summary>The types a schema without <c>type</c> implies through its type-specific keywords; empty when it has none.</summary>
    public static List<string> ImpliedTypes(JsonElement schema)
    {
        var present = Constraints(schema).ToHashSet();
        return ByType.Where(entry => entry.Value.Any(present.Contains)).Select(entry => entry.Key)
            .Where(type => type != "integer").ToList();
    }
}
