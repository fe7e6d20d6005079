using System.Globalization;
using System.Text;
using System.Text.Json;

namespace QwenVL.Runtime.Text;

/// <summary>
/// JSON written as Python's <c>json.dumps(value, ensure_ascii=False)</c> writes it (", " and ": " between items,
/// non-ASCII text as is): the spelling of Jinja's <c>tojson</c> in Hugging Face chat templates, so tool definitions
/// and tool-call arguments reach the prompt as the model saw them in training. Numbers keep their written form.
/// </summary>
public static class PythonJson
{
    public static string Dumps(JsonElement value)
    {
        var text = new StringBuilder();
        Write(text, value);
        return text.ToString();
    }

    /// <summary>The same for JSON text; text that is not JSON is written as a JSON string of itself.</summary>
    public static string DumpsText(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Dumps(document.RootElement);
        }
        catch (JsonException)
        {
            var text = new StringBuilder();
            WriteString(text, json);
            return text.ToString();
        }
    }

    private static void Write(StringBuilder text, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                WriteJoined(text, value.EnumerateObject(), '{', '}', member =>
                {
                    WriteString(text, member.Name);
                    text.Append(": ");
                    Write(text, member.Value);
                });
                break;
            case JsonValueKind.Array:
                WriteJoined(text, value.EnumerateArray(), '[', ']', item => Write(text, item));
                break;
            case JsonValueKind.String:
                WriteString(text, value.GetString()!);
                break;
            default:
                text.Append(value.GetRawText());
                break;
        }
    }

    private static void WriteJoined<T>(StringBuilder text, IEnumerable<T> items, char open, char close, Action<T> write)
    {
        text.Append(open);
        bool first = true;
        foreach (var item in items)
        {
            if (!first) text.Append(", ");
            first = false;
            write(item);
        }
        text.Append(close);
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (c < ' ') text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }
}
