using System.Text.Json.Nodes;
using QwenVL.Tests.Fixtures;

namespace QwenVL.Tests.Http;

/// <summary>A reference chat's messages as a request sends them: each {"type":"image"} part an image_url data URL of its file.</summary>
public static class ReferenceMessages
{
    public static JsonArray Of(ChatCase chat)
    {
        ArgumentNullException.ThrowIfNull(chat);
        var messages = JsonNode.Parse(chat.Messages.GetRawText())!.AsArray();
        int next = 0;
        foreach (var message in messages)
        {
            if (message!["content"] is not JsonArray parts) continue;
            for (int i = 0; i < parts.Count; i++)
            {
                if ((string?)parts[i]!["type"] != "image") continue;
                var file = chat.Images[next++];
                var mime = file.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "image/png";
                var data = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", file)));
                parts[i] = new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = $"data:{mime};base64,{data}" } };
            }
        }
        return messages;
    }
}
