using System.Text.Json;

namespace QwenVL.Runtime.Structured;

/// <summary>What a request constrains its output to.</summary>
public enum GrammarKind
{
    /// <summary><c>response_format: json_schema</c>, <c>guided_json</c>, forced tool-call arguments.</summary>
    JsonSchema,
    /// <summary><c>response_format: json_object</c>: any JSON object (nesting bounded).</summary>
    JsonObject,
    /// <summary><c>guided_regex</c>: the whole output matches the pattern.</summary>
    Regex,
    /// <summary><c>guided_choice</c>: the output is exactly one of the strings.</summary>
    Choice,
}

/// <summary>
/// A grammar request in canonical form; equal specs compile to the same grammar, so a spec is the cache
/// key. Schemas are re-serialized compactly (member order kept: it decides the order properties are emitted in).
/// </summary>
public sealed record GrammarSpec(GrammarKind Kind, string Source)
{
    /// <exception cref="StructuredOutputException">The text is not JSON.</exception>
    public static GrammarSpec JsonSchema(string schemaJson)
    {
        try
        {
            using var document = JsonDocument.Parse(schemaJson);
            return new GrammarSpec(GrammarKind.JsonSchema, JsonSerializer.Serialize(document.RootElement));
        }
        catch (JsonException e)
        {
            throw new StructuredOutputException($"the schema is not valid JSON: {e.Message}");
        }
    }

    public static GrammarSpec JsonObject() => new(GrammarKind.JsonObject, "");

    public static GrammarSpec Regex(string pattern) => new(GrammarKind.Regex, pattern);

    public static GrammarSpec Choice(IEnumerable<string> choices) => new(GrammarKind.Choice, JsonSerializer.Serialize(choices.ToArray()));
}
