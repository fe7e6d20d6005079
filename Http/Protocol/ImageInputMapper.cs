using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Http.Protocol;

/// <summary>
/// The images of a parsed request as <see cref="ImageInputPreparer"/> takes them, in prompt order, each with the
/// request field it came from and its pixel bounds: the part's own, else the request's mm_processor_kwargs, else the
/// server's, always clamped into the server's. Enforces --limit-mm-per-prompt with vLLM's words.
/// </summary>
public static class ImageInputMapper
{
    public static IReadOnlyList<ImageInput> Map(
        IReadOnlyList<ChatMessage> messages, MmProcessorKwargsDto? kwargs, MultimodalLimits limits, PixelBounds server)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(server);
        int? requestMin = PixelCountField.Read(kwargs?.MinPixels, "mm_processor_kwargs.min_pixels");
        int? requestMax = PixelCountField.Read(kwargs?.MaxPixels, "mm_processor_kwargs.max_pixels");
        if (requestMin > requestMax)
            throw new InvalidRequestException(
                $"mm_processor_kwargs.min_pixels ({requestMin}) is above mm_processor_kwargs.max_pixels ({requestMax})", "mm_processor_kwargs");

        int count = messages.Sum(m => m.Content.Count(p => p is ImagePart));
        if (limits.MaxImages is int most && count > most)
            throw new InvalidRequestException($"At most {most} image(s) may be provided in one request.", "messages");

        var images = new List<ImageInput>(count);
        for (int i = 0; i < messages.Count; i++)
        for (int k = 0; k < messages[i].Content.Count; k++)
        {
            if (messages[i].Content[k] is not ImagePart image) continue;
            // ChatMessagesParser keeps positions, so these indices are the request's.
            string field = $"messages[{i}].content[{k}]";
            if (string.IsNullOrEmpty(image.Url))
                throw new InvalidRequestException($"{field}.image_url.url must be a non-empty string", $"{field}.image_url.url");
            // Clamping keeps min <= max when both come from one place (each place is checked on its own); only
            // bounds mixed from two places can still cross.
            int min = server.Clamp(image.MinPixels ?? requestMin ?? server.Min);
            int max = server.Clamp(image.MaxPixels ?? requestMax ?? server.Max);
            if (min > max)
                throw new InvalidRequestException(
                    $"{field}: min_pixels ({min}) is above max_pixels ({max}) after taking the part's bounds, then " +
                    $"mm_processor_kwargs, then the server's {server}", field);
            images.Add(new ImageInput(image.Url, field, min, max));
        }
        return images;
    }
}
