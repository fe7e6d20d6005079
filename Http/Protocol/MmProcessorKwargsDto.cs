using System.Text.Json;

namespace QwenVL.Http.Protocol;

/// <summary>
/// mm_processor_kwargs of a request: the image processor arguments Qwen2-VL takes, applied to every image of the
/// request that does not set its own. Kept as raw JSON so a bad value is reported with its field name rather than
/// as a failure to read the body; other keys are ignored.
/// </summary>
public sealed class MmProcessorKwargsDto
{
    public JsonElement? MinPixels { get; set; }
    public JsonElement? MaxPixels { get; set; }
}
