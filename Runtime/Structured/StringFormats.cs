namespace QwenVL.Runtime.Structured;

/// <summary>
/// Patterns for the supported string <c>format</c>s. Each accepts only valid values: dates never go past
/// a month's last day (February stops at 28, so leap years need no arithmetic), and email is a plain
/// dot-atom address with bounded parts.
/// </summary>
internal static class StringFormats
{
    private const string Date =
        @"\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))";

    private const string Time = @"(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)";

    private const string Uuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

    private const string Email =
        @"[A-Za-z0-9_+-]{1,24}(?:\.[A-Za-z0-9_+-]{1,24}){0,2}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,16}[A-Za-z0-9])?\.){1,3}[A-Za-z]{2,6}";

    /// <summary>The anchored pattern for <paramref name="format"/>, or null when it is not supported.</summary>
    public static string? Pattern(string format) => format switch
    {
        "date" => $"^{Date}$",
        "time" => $"^{Time}$",
        "date-time" => $"^{Date}T{Time}$",
        "uuid" => $"^{Uuid}$",
        "email" => $"^{Email}$",
        _ => null,
    };
}
