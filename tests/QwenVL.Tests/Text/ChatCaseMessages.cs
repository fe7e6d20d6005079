using System.Text.Json;
using QwenVL.Runtime.Text;

namespace QwenVL.Tests.Text;

/// <summary>Reads the fixture's Hugging Face style messages: string content, or a list of text/image parts.</summary>
public static class ChatCaseMessages
{
    public static IReadOnlyList<ChatMessage> From(JsonElement messages)
    {
        var result = new List<ChatMessage>();
        foreach (var message in messages.EnumerateArray())
        {
            var role = message.GetProperty("role").GetString()!;
            var content = message.GetProperty("content");
            result.Add(content.ValueKind == JsonValueKind.String
                ? ChatMessage.FromText(role, content.GetString()!)
                : new ChatMessage(role, content.EnumerateArray().Select(Part).ToArray()));
        }
        return result;
    }

    private static ChatContentPart Part(JsonElement part) => part.GetProperty("type").GetString() switch
    {
        "text" => new TextPart(part.GetProperty("text").GetString()!),
        "image" => new ImagePart(),
        var other => throw new InvalidDataException($"unexpected content part type {other}"),
    };
}
