using System.Text.Json;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Structured;

namespace QwenVL.Http.Structured;

/// <summary>
/// The output constraints a chat request may ask for, each as the engine's <see cref="GrammarSpec"/>: OpenAI's
/// response_format, vLLM's structured_outputs and its older guided_json / guided_regex / guided_choice. A request
/// names at most one; the forced tool choice, a constraint of its own, is <see cref="ToolChoiceMapper"/>'s.
/// </summary>
public static class ConstraintMapper
{
    /// <summary>Every constraint the request's fields ask for (at most one is valid), in the order of their fields.</summary>
    public static IReadOnlyList<OutputConstraint> Read(ChatCompletionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var found = new List<OutputConstraint>();
        if (ResponseFormat(request.ResponseFormat) is { } format) found.Add(format);
        found.AddRange(StructuredOutputs(request.StructuredOutputs));
        if (Present(request.GuidedJson) is { } json) found.Add(new(Schema(json, "guided_json"), "guided_json"));
        if (Present(request.GuidedRegex) is { } regex) found.Add(new(Regex(regex, "guided_regex"), "guided_regex"));
        if (Present(request.GuidedChoice) is { } choice) found.Add(new(Choice(choice, "guided_choice"), "guided_choice"));
        if (Present(request.GuidedGrammar) is not null) throw GrammarRefused("guided_grammar");
        return found;
    }

    /// <summary>The one constraint of <paramref name="found"/>, or a 400 naming the first two fields that both ask.</summary>
    public static OutputConstraint? Single(IReadOnlyList<OutputConstraint> found)
    {
        ArgumentNullException.ThrowIfNull(found);
        if (found.Count > 1)
            throw new InvalidRequestException(
                $"{found[0].Field} and {found[1].Field} both constrain the output; a request may use only one of them", found[1].Field);
        return found.Count == 1 ? found[0] : null;
    }

    private static OutputConstraint? ResponseFormat(ResponseFormatDto? format)
    {
        if (format == null) return null;
        switch (format.Type)
        {
            case "text":
                return null;
            case "json_object":
                return new(GrammarSpec.JsonObject(), "response_format");
            case "json_schema":
                const string field = "response_format.json_schema";
                if (format.JsonSchema == null)
                    throw new InvalidRequestException($"{field} is required when response_format.type is 'json_schema'", field);
                if (Present(format.JsonSchema.Schema) is not { } schema)
                    throw new InvalidRequestException($"{field}.schema is required: the JSON Schema the output must match", field + ".schema");
                return new(Schema(schema, field + ".schema"), field + ".schema");
            default:
                throw new InvalidRequestException(
                    $"response_format.type must be 'text', 'json_object' or 'json_schema'; got {(format.Type == null ? "nothing" : $"'{format.Type}'")}",
                    "response_format.type");
        }
    }

    private static IEnumerable<OutputConstraint> StructuredOutputs(StructuredOutputsDto? outputs)
    {
        if (outputs == null) yield break;
        if (Present(outputs.Grammar) is not null) throw GrammarRefused("structured_outputs.grammar");
        if (Present(outputs.Json) is { } json) yield return new(Schema(json, "structured_outputs.json"), "structured_outputs.json");
        if (outputs.Regex != null) yield return new(GrammarSpec.Regex(outputs.Regex), "structured_outputs.regex");
        if (outputs.Choice != null) yield return new(ChoiceOf(outputs.Choice, "structured_outputs.choice"), "structured_outputs.choice");
        if (outputs.JsonObject == true) yield return new(GrammarSpec.JsonObject(), "structured_outputs.json_object");
    }

    /// <summary>A schema given as an object (or a boolean), or as JSON text of one, as vLLM takes both.</summary>
    public static GrammarSpec Schema(JsonElement schema, string field)
    {
        string text = schema.ValueKind switch
        {
            JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False => schema.GetRawText(),
            JsonValueKind.String => schema.GetString()!,
            _ => throw new InvalidRequestException($"{field} must be a JSON Schema object, got {KindOf(schema)}", field),
        };
        GrammarSpec spec;
        try
        {
            spec = GrammarSpec.JsonSchema(text);
        }
        catch (StructuredOutputException e)
        {
            throw ServedGrammars.Refused(field, e);
        }
        using var parsed = JsonDocument.Parse(spec.Source);
        if (parsed.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.True or JsonValueKind.False))
            throw new InvalidRequestException($"{field} must be a JSON Schema object, got {KindOf(parsed.RootElement)}", field);
        return spec;
    }

    private static GrammarSpec Regex(JsonElement regex, string field) =>
        regex.ValueKind == JsonValueKind.String
            ? GrammarSpec.Regex(regex.GetString()!)
            : throw new InvalidRequestException($"{field} must be a string (a regular expression)", field);

    private static GrammarSpec Choice(JsonElement choice, string field)
    {
        if (choice.ValueKind != JsonValueKind.Array || choice.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
            throw new InvalidRequestException($"{field} must be an array of strings", field);
        return ChoiceOf(choice.EnumerateArray().Select(c => c.GetString()!).ToArray(), field);
    }

    private static GrammarSpec ChoiceOf(IReadOnlyList<string> choices, string field) =>
        choices.Count == 0
            ? throw new InvalidRequestException($"{field} must list at least one string", field)
            : GrammarSpec.Choice(choices);

    private static InvalidRequestException GrammarRefused(string field) =>
        new($"{field} is not supported: context-free grammars (EBNF/Lark) are not; use a JSON schema, a regex or a choice", field);

    private static JsonElement? Present(JsonElement? value) =>
        value is JsonElement v && v.ValueKind != JsonValueKind.Null ? v : null;

    internal static string KindOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => "a number",
        JsonValueKind.Object => "an object",
        _ => element.ValueKind.ToString().ToLowerInvariant(),
    };
}
