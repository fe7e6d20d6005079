using System.Text;
using System.Text.Json;

namespace QwenVL.Runtime.Structured;

/// <summary>Compact JSON text of a value, with strings spelled as the grammar spells them (<see cref="JsonStrings.Spell"/>).</summary>
internal static class JsonCanonical
{
    public static string Write(JsonElement value)
    {
        var text = new StringBuilder();
        Append(value, text);
        return text.ToString();
    }

    private static void Append(JsonElement value, StringBuilder text)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                AppendJoined(value.EnumerateObject(), '{', '}', text, member => AppendMember(member, text));
                break;
            case JsonValueKind.Array:
                AppendJoined(value.EnumerateArray(), '[', ']', text, item => Append(item, text));
                break;
            case JsonValueKind.String:
                text.Append(JsonStrings.Spell(value.GetString()!));
                break;
            default:
                text.Append(value.GetRawText());
                break;
        }
    }

    private static void AppendMember(JsonProperty member, StringBuilder text)
    {
        text.Append(JsonStrings.Spell(member.Name)).Append(':');
        Append(member.Value, text);
    }

    private static void AppendJoined<T>(IEnumerable<T> elements, char open, char close, StringBuilder text, Action<T> append)
    {
        text.Append(open);
        var first = true;
        foreach (var element in elements)
        {
            if (!first) text.Append(',');
            first = false;
            append(element);
        }
        text.Append(close);
    }
}
