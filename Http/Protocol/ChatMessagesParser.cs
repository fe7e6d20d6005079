using System.Text.Json;
using QwenVL.Runtime.Text;

namespace QwenVL.Http.Protocol;

/// <summary>Turns the request's messages into chat messages, naming the offending field on bad input.</summary>
public static class ChatMessagesParser
{
    private static readonly HashSet<string> Roles = ["system", "user", "assistant"];

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
                    $"messages[{i}].role must be one of system, user, assistant; got {(m.Role == null ? "nothing" : $"'{m.Role}'")}",
                    $"messages[{i}].role");
            result.Add(new ChatMessage(m.Role, ParseContent(m.Content, $"messages[{i}].content")));
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
                throw new InvalidRequestException($"{field}: image inputs are not supported by this build yet", field);
            default:
                throw new InvalidRequestException($"{field}.type '{type.GetString()}' is not supported (use 'text' or 'image_url')", $"{field}.type");
        }
    }
}
