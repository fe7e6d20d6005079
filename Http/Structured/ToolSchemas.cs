using System.Text.Json;
using System.Text.Json.Nodes;

namespace QwenVL.Http.Structured;

/// <summary>The JSON Schemas a forced tool call constrains the output to.</summary>
public static class ToolSchemas
{
    /// <summary>What a function without parameters takes: an empty object.</summary>
    public const string NoParameters = """{"type":"object","properties":{},"additionalProperties":false}""";

    /// <summary>The arguments schema of a function: its parameters, or an empty object.</summary>
    public static string Arguments(JsonElement? parameters) =>
        parameters is JsonElement p && p.ValueKind != JsonValueKind.Null ? p.GetRawText() : NoParameters;

    /// <summary>
    /// tool_choice "required": <c>{"name": const, "arguments": schema}</c> for one of the tools (anyOf over them, name
    /// first so it is known before the arguments stream). Each tool's local $refs are re-rooted at its place inside
    /// the combined schema, where they still resolve.
    /// </summary>
    public static string NameAndArguments(IReadOnlyList<(string Name, string Arguments)> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var branches = new JsonArray();
        for (int i = 0; i < tools.Count; i++)
        {
            var arguments = JsonNode.Parse(tools[i].Arguments)!;
            Reroot(arguments, $"#/anyOf/{i}/properties/arguments");
            branches.Add(new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["name"] = new JsonObject { ["const"] = tools[i].Name },
                    ["arguments"] = arguments,
                },
                ["required"] = new JsonArray("name", "arguments"),
                ["additionalProperties"] = false,
            });
        }
        return new JsonObject { ["anyOf"] = branches }.ToJsonString();
    }

    private static void Reroot(JsonNode? node, string root)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue reference && reference.TryGetValue(out string? target) && target.StartsWith('#'))
                    obj["$ref"] = root + target[1..];
                foreach (var (_, child) in obj.ToArray()) Reroot(child, root);
                break;
            case JsonArray array:
                foreach (var item in array) Reroot(item, root);
                break;
        }
    }
}
