using System.Text.Json;

namespace QwenVL.Runtime.Vision;

/// <summary>
/// How many images one request may carry (vLLM's --limit-mm-per-prompt). <see cref="MaxImages"/> null means no limit,
/// vLLM's default for the OpenAI server; 0 turns image input off.
/// </summary>
public sealed record MultimodalLimits(int? MaxImages)
{
    public static MultimodalLimits None { get; } = new((int?)null);

    /// <summary>
    /// vLLM's JSON form, e.g. <c>{"image": 4}</c>. A "video" count is accepted and ignored (no video input is taken
    /// here, so nothing can exceed it), so command lines written for vLLM's Qwen2-VL keep working.
    /// </summary>
    /// <exception cref="FormatException">The text is not that JSON object, or a count is not a non-negative integer.</exception>
    public static MultimodalLimits Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"expected JSON such as {{\"image\": 4}}, got '{json}' ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new FormatException($"expected a JSON object such as {{\"image\": 4}}, got '{json}'");
            int? images = null;
            foreach (var entry in document.RootElement.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int count) || count < 0)
                    throw new FormatException($"the count for '{entry.Name}' must be a non-negative integer, got {entry.Value.GetRawText()}");
                switch (entry.Name)
                {
                    case "image":
                        images = count;
                        break;
                    case "video":
                        break;
                    default:
                        throw new FormatException($"unknown modality '{entry.Name}' (this model takes 'image')");
                }
            }
            return new MultimodalLimits(images);
        }
    }
}
