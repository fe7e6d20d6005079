using System.Text.Json;

namespace QwenVL.Runtime.Structured;

/// <summary>
/// Objects and arrays. Like xgrammar's strict mode, extra object members and extra array items are
/// generated only when the schema asks for them explicitly (<c>additionalProperties</c> with no
/// <c>properties</c>, <c>items</c>); leaving them out is always valid, and it keeps outputs to the
/// declared shape.
/// </summary>
internal sealed partial class JsonSchemaCompiler
{
    private Fragment CompileObject(JsonElement schema, string path)
    {
        var required = ReadRequired(schema, path);
        var declared = new List<PropertyRule>();
        if (schema.TryGetProperty("properties", out var properties))
        {
            if (properties.ValueKind != JsonValueKind.Object)
                throw new StructuredOutputException("'properties' must be an object", path, "properties");
            foreach (var property in properties.EnumerateObject())
            {
                var propertyPath = $"{path}/properties/{property.Name}";
                var value = property.Value;
                declared.Add(new PropertyRule(property.Name, () => Compile(value, propertyPath), required.Contains(property.Name)));
            }
        }

        var additional = schema.TryGetProperty("additionalProperties", out var extra) ? extra : (JsonElement?)null;
        if (additional is { ValueKind: not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Object) })
            throw new StructuredOutputException("'additionalProperties' must be a boolean or a schema", path, "additionalProperties");
        var closed = additional?.ValueKind == JsonValueKind.False;
        Func<Fragment> extraValue = additional?.ValueKind == JsonValueKind.Object
            ? () => Compile(additional.Value, path + "/additionalProperties")
            : () => _json.AnyValue(_options.FreeValueDepth);

        // Required names without a declared schema take the additionalProperties schema, or cannot exist.
        foreach (var name in required.Where(name => declared.All(p => p.Name != name)))
            declared.Add(new PropertyRule(name, closed ? _nfa.Nothing : extraValue, Required: true));

        var openEnded = declared.Count == 0 && !closed;
        return _json.Object(declared, openEnded ? extraValue : null);
    }

    private static HashSet<string> ReadRequired(JsonElement schema, string path)
    {
        if (!schema.TryGetProperty("required", out var required)) return [];
        if (required.ValueKind != JsonValueKind.Array || required.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
            throw new StructuredOutputException("'required' must be an array of strings", path, "required");
        return required.EnumerateArray().Select(r => r.GetString()!).ToHashSet();
    }

    private Fragment CompileArray(JsonElement schema, string path)
    {
        var prefix = new List<Func<Fragment>>();
        if (schema.TryGetProperty("prefixItems", out var prefixItems))
        {
            if (prefixItems.ValueKind != JsonValueKind.Array)
                throw new StructuredOutputException("'prefixItems' must be an array of schemas", path, "prefixItems");
            var index = 0;
            foreach (var item in prefixItems.EnumerateArray())
            {
                var itemPath = $"{path}/prefixItems/{index++}";
                prefix.Add(() => Compile(item, itemPath));
            }
        }

        Func<Fragment>? items = prefix.Count == 0 ? () => _json.AnyValue(_options.FreeValueDepth) : null;
        if (schema.TryGetProperty("items", out var itemSchema))
        {
            if (itemSchema.ValueKind == JsonValueKind.Array)
                throw new StructuredOutputException("the array form of 'items' is not supported; use 'prefixItems'", path, "items");
            items = itemSchema.ValueKind == JsonValueKind.False ? null : () => Compile(itemSchema, path + "/items");
        }
        var minItems = ReadCount(schema, "minItems", path) ?? 0;
        var maxItems = ReadCount(schema, "maxItems", path);
        return _json.Array(prefix, items, minItems, maxItems);
    }
}
