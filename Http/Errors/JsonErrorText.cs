using System.Text.Json;

namespace QwenVL.Http.Errors;

/// <summary>
/// A request body that does not read as the endpoint's JSON, told in the request's terms: the field (from the
/// reader's path, <c>$.messages[0].role</c> becomes <c>messages[0].role</c>) and the kind of value it wants, without
/// the serializer's .NET type names.
/// </summary>
public static class JsonErrorText
{
    public static string? Param(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var path = e.Path;
        if (string.IsNullOrEmpty(path) || path == "$") return null;
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    public static string Describe(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var param = Param(e);
        var at = param == null ? "" : $" at '{param}'";
        var message = e.Message;
        const string convert = "could not be converted to ";
        int i = message.IndexOf(convert, StringComparison.Ordinal);
        if (i >= 0)
        {
            int start = i + convert.Length;
            int end = message.IndexOf(". Path:", start, StringComparison.Ordinal);
            var type = end > start ? message[start..end] : message[start..];
            return $"Invalid request body{at}: expected {KindOf(type)}.";
        }
        int pathStart = message.IndexOf(" Path:", StringComparison.Ordinal);
        var reason = pathStart > 0 ? message[..pathStart] : message;
        return $"The request body is not valid JSON{at}: {reason}";
    }

    private static string KindOf(string clrType)
    {
        if (clrType.Contains("List", StringComparison.Ordinal)) return "an array";
        if (clrType.Contains("Double", StringComparison.Ordinal) || clrType.Contains("Single", StringComparison.Ordinal)) return "a number";
        if (clrType.Contains("Int32", StringComparison.Ordinal) || clrType.Contains("Int64", StringComparison.Ordinal)) return "an integer";
        if (clrType.Contains("Boolean", StringComparison.Ordinal)) return "true or false";
        if (clrType.Contains("String", StringComparison.Ordinal)) return "a string";
        return "an object";
    }
}
