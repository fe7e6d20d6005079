using System.Text.Json;

namespace QwenVL.Http.Protocol;

/// <summary>A min_pixels or max_pixels value of a request: a positive JSON integer, or absent.</summary>
internal static class PixelCountField
{
    /// <returns>null when the field is absent or JSON null.</returns>
    public static int? Read(JsonElement? value, string field)
    {
        if (value is not JsonElement v || v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int pixels) && pixels > 0) return pixels;
        throw new InvalidRequestException($"{field} must be a positive integer (at most {int.MaxValue}), got {Show(v)}", field);
    }

    private static string Show(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => v.GetRawText() is var raw && raw.Length <= 40 ? raw : raw[..40] + "...",
    };
}
