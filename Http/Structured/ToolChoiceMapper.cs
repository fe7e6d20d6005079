using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Structured;

namespace QwenVL.Http.Structured;

/// <summary>
/// A request's tools and tool_choice, checked as OpenAI checks them. "none" (or no tool_choice) gives plain text;
/// a named function or "required" forces one call, its output constrained by the tools' parameter schemas. "auto"
/// is refused: Qwen2-VL's template has no tool-call format for the server to recognise in free text.
/// </summary>
public static partial class ToolChoiceMapper
{
    public static ToolRequest Map(ChatCompletionRequest request, ServedGrammars grammars)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(grammars);
        var tools = request.Tools ?? [];
        for (int i = 0; i < tools.Count; i++) CheckTool(tools[i], i);
        var names = tools.Select(t => t.Function!.Name!).ToArray();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            throw new InvalidRequestException("tools: each function name must be unique", "tools");

        if (request.ToolChoice is not JsonElement choice || choice.ValueKind == JsonValueKind.Null || IsString(choice, "none"))
            return ToolRequest.None;
        if (tools.Count == 0)
            throw new InvalidRequestException("tool_choice is only allowed when tools are specified", "tool_choice");

        if (IsString(choice, "auto"))
            throw new InvalidRequestException(
                "tool_choice 'auto' is not supported: Qwen2-VL's chat template has no tool-call format to recognise in free text " +
                "(vLLM's --enable-auto-tool-choice is not supported). Use 'required' or a named function " +
                "({\"type\": \"function\", \"function\": {\"name\": ...}}).", "tool_choice");
        var prompt = tools.Select(PromptDefinition).ToArray();
        if (IsString(choice, "required"))
        {
            var schemas = tools.Select((t, i) => (t.Function!.Name!, Compiled(t, i, grammars))).ToArray();
            var combined = GrammarSpec.JsonSchema(ToolSchemas.NameAndArguments(schemas));
            grammars.Compile(combined, "tool_choice");
            return new ToolRequest(new ForcedToolCall(null, names), new OutputConstraint(combined, "tool_choice"), prompt);
        }

        string name = NamedFunction(choice);
        int index = Array.IndexOf(names, name);
        if (index < 0)
            throw new InvalidRequestException(
                $"tool_choice names the function '{name}', which is not among the tools ({string.Join(", ", names)})", "tool_choice");
        var spec = GrammarSpec.JsonSchema(Compiled(tools[index], index, grammars));
        return new ToolRequest(new ForcedToolCall(name, names), new OutputConstraint(spec, "tool_choice"), prompt);
    }

    private static void CheckTool(ToolDto? tool, int i)
    {
        string field = $"tools[{i}]";
        if (tool == null) throw new InvalidRequestException($"{field} is null", field);
        if (tool.Type != "function")
            throw new InvalidRequestException(
                $"{field}.type must be 'function'; got {(tool.Type == null ? "nothing" : $"'{tool.Type}'")}", $"{field}.type");
        if (tool.Function == null) throw new InvalidRequestException($"{field}.function is required", $"{field}.function");
        if (tool.Function.Name is not { } name || !FunctionName().IsMatch(name))
            throw new InvalidRequestException(
                $"{field}.function.name must be 1 to 64 letters, digits, underscores or dashes", $"{field}.function.name");
        if (tool.Function.Parameters is JsonElement p && p.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            throw new InvalidRequestException(
                $"{field}.function.parameters must be a JSON Schema object, got {ConstraintMapper.KindOf(p)}", $"{field}.function.parameters");
    }

    /// <summary>The tool's arguments schema, compiled on its own so that a refusal names the tool's field.</summary>
    private static string Compiled(ToolDto tool, int i, ServedGrammars grammars)
    {
        string schema = ToolSchemas.Arguments(tool.Function!.Parameters);
        string field = $"tools[{i}].function.parameters";
        grammars.Compile(ConstraintMapper.Schema(JsonDocument.Parse(schema).RootElement, field), field);
        return schema;
    }

    private static string NamedFunction(JsonElement choice)
    {
        if (choice.ValueKind == JsonValueKind.String)
            throw new InvalidRequestException(
                $"tool_choice must be 'none', 'required' or {{\"type\": \"function\", \"function\": {{\"name\": ...}}}}; got '{choice.GetString()}'",
                "tool_choice");
        if (choice.ValueKind != JsonValueKind.Object
            || !choice.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "function"
            || !choice.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
            || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
            throw new InvalidRequestException(
                "tool_choice must be 'none', 'required' or {\"type\": \"function\", \"function\": {\"name\": ...}}", "tool_choice");
        return name.GetString()!;
    }

    /// <summary>The tool as the prompt lists it: OpenAI's object without the fields that only steer the API (strict).</summary>
    private static string PromptDefinition(ToolDto tool)
    {
        var function = new JsonObject { ["name"] = tool.Function!.Name };
        if (tool.Function.Description != null) function["description"] = tool.Function.Description;
        if (tool.Function.Parameters is JsonElement p && p.ValueKind == JsonValueKind.Object) function["parameters"] = JsonNode.Parse(p.GetRawText());
        return new JsonObject { ["type"] = "function", ["function"] = function }.ToJsonString();
    }

    private static bool IsString(JsonElement element, string value) =>
        element.ValueKind == JsonValueKind.String && element.GetString() == value;

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();
}
