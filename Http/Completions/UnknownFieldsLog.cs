using System.Text.Json;

namespace QwenVL.Http.Completions;

/// <summary>
/// Unknown request fields are ignored, as vLLM ignores them, but a field the client meant to matter (a misspelling, a
/// feature not served) should not vanish silently: one warning per request names them all.
/// </summary>
public static partial class UnknownFieldsLog
{
    public static void WarnOnce(ILogger logger, string requestId, IReadOnlyDictionary<string, JsonElement>? unknownFields)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (unknownFields is not { Count: > 0 }) return;
        LogIgnored(logger, requestId, string.Join(", ", unknownFields.Keys.Order(StringComparer.Ordinal)));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{RequestId}: ignoring unknown request fields: {Fields}")]
    private static partial void LogIgnored(ILogger logger, string requestId, string fields);
}
