using System.Text.Json;
using QwenVL.Runtime.Text;

namespace QwenVL.Http.Protocol;

/// <summary>
/// Turns the request's messages into chat messages, naming the offending field on bad input. Content part k of
/// message i becomes part k of chat message i, so positions found in the result name the request's fields.
/// Images are taken in any role, as vLLM takes them. An assistant turn's tool_calls become one more text part after
/// its content, written as Qwen's template writes calls; a "tool" message keeps its role for the template to wrap.
/// </summary>
public static class ChatMessagesParser
{
    private static readonly HashSet<string> Roles = ["system", "user", "assistant", "tool"];

    public static IReadOnlyList<ChatMessage> Parse(IReadOnlyList<ChatMessageDto>? messages)
    {
        if (messages == null || messages.Count == 0)
            throw new InvalidRequestException("messages must be a non-empty array", "messages");
        var result = new List<ChatMessage>(messages.Count);
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i] ?? throw new InvalidRequestException($"messages[{i}] is null", $"messages[{i}]");
            if (m.Role == null || !Roles.Contains(m.Role))
                throw new InvalidRequestException(
                    $"messages[{i}].role must be one of system, user, assistant, tool; got {(m.Role == null ? "nothing" : $"'{m.Role}'")}",
                    $"messages[{i}].role");
            var content = ParseContent(m.Content, $"messages[{i}].content");
            if (m.Role == "tool" && m.ToolCallId is not { ValueKind: JsonValueKind.String })
                throw new InvalidRequestException($"messages[{i}].tool_call_id must be a string in a message of role 'tool'", $"messages[{i}].tool_call_id");
            if (m.ToolCalls is { Count: > 0 } calls)
            {
                if (m.Role != "assistant")
                    throw new InvalidRequestException($"messages[{i}].tool_calls is only allowed in a message of role 'assistant'", $"messages[{i}].tool_calls");
                bool afterContent = content.Any(p => p is not TextPart { Text.Length: 0 });
                content = [.. content, new TextPart(ToolPrompt.ToolCalls(ParseToolCalls(calls, $"messages[{i}].tool_calls"), afterContent))];
            }
            result.Add(new ChatMessage(m.Role, content));
        }
        return result;
    }

    private static List<ToolCallText> ParseToolCalls(List<ToolCallDto> calls, string field)
    {
        var result = new List<ToolCallText>(calls.Count);
        for (int k = 0; k < calls.Count; k++)
        {
            string callField = $"{field}[{k}]";
            var call = calls[k] ?? throw new InvalidRequestException($"{callField} is null", callField);
            if (call.Type is not (null or "function"))
                throw new InvalidRequestException($"{callField}.type must be 'function'", $"{callField}.type");
            if (call.Function?.Name is not { Length: > 0 } name)
                throw new InvalidRequestException($"{callField}.function.name must be a non-empty string", $"{callField}.function.name");
            string arguments = call.Function.Arguments switch
            {
                { ValueKind: JsonValueKind.String } text => text.GetString()!,
                { ValueKind: JsonValueKind.Object } obj => obj.GetRawText(),
                null or { ValueKind: JsonValueKind.Null } => "{}",
                _ => throw new InvalidRequestException($"{callField}.function.arguments must be a string of JSON", $"{callField}.function.arguments"),
            };
            result.Add(new ToolCallText(name, arguments));
        }
        return result;
    }

    private static IReadOnlyList<ChatContentPart> ParseContent(JsonElement? content, string field)
    {
        if (content is not JsonElement c || c.ValueKind == JsonValueKind.Null) return [];
        if (c.ValueKind == JsonValueKind.String) return [new TextPart(c.GetString()!)];
        if (c.ValueKind != JsonValueKind.Array)
            throw new InvalidRequestException($"{field} must be a string or an array of content parts", field);
        var parts = new List<ChatContentPart>();
        int k = 0;
        foreach (var part in c.EnumerateArray())
        {
            parts.Add(ParsePart(part, $"{field}[{k}]"));
            k++;
        }
        return parts;
    }

    private static ChatContentPart ParsePart(JsonElement part, string field)
    {
        if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw new InvalidRequestException($"{field} must be an object with a string 'type'", field);
        switch (type.GetString())
        {
            case "text":
                if (!part.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                    throw new InvalidRequestException($"{field}.text must be a string", $"{field}.text");
                return new TextPart(text.GetString()!);
            case "image_url":
                return ParseImagePart(part, field);
            default:
                throw new InvalidRequestException($"{field}.type '{type.GetString()}' is not supported (use 'text' or 'image_url')", $"{field}.type");
        }
    }

    /// <summary>
    /// <c>{"type": "image_url", "image_url": {"url": ..., "detail"?, "min_pixels"?, "max_pixels"?}}</c>. The pixel
    /// bounds may also sit on the part itself, as Qwen's API writes them. detail (OpenAI's resolution hint) is ignored,
    /// as vLLM ignores it: the pixel bounds decide the resolution.
    /// </summary>
    private static ImagePart ParseImagePart(JsonElement part, string field)
    {
        string imageField = field + ".image_url";
        if (!part.TryGetProperty("image_url", out var image) || image.ValueKind == JsonValueKind.Null)
            throw new InvalidRequestException($"{imageField} is required in a part of type 'image_url'", imageField);
        if (image.ValueKind != JsonValueKind.Object)
            throw new InvalidRequestException(
                $"{imageField} must be an object with a 'url' field, got {KindOf(image)}", imageField);
        string urlField = imageField + ".url";
        if (!image.TryGetProperty("url", out var url) || url.ValueKind != JsonValueKind.String || url.GetString() is not { Length: > 0 } text)
            throw new InvalidRequestException($"{urlField} must be a non-empty string", urlField);

        int? min = PixelBound(part, image, field, "min_pixels");
        int? max = PixelBound(part, image, field, "max_pixels");
        if (min > max)
            throw new InvalidRequestException($"{field}: min_pixels ({min}) is above max_pixels ({max})", field);
        return new ImagePart(text, min, max);
    }

    private static int? PixelBound(JsonElement part, JsonElement image, string field, string name)
    {
        int? inner = PixelCountField.Read(PropertyOrNull(image, name), $"{field}.image_url.{name}");
        int? outer = PixelCountField.Read(PropertyOrNull(part, name), $"{field}.{name}");
        if (inner != null && outer != null && inner != outer)
            throw new InvalidRequestException(
                $"{field}.{name} ({outer}) and {field}.image_url.{name} ({inner}) disagree; set only one", $"{field}.{name}");
        return inner ?? outer;
    }

    private static JsonElement? PropertyOrNull(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value : null;

    private static string KindOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => "a number",
        _ => element.ValueKind.ToString().ToLowerInvariant(),
    };
}
