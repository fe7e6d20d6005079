using System.Globalization;
using System.Text;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// The JSON schemas of the constrained workloads: schema <c>i</c> is an object of <see cref="Properties"/> properties
/// whose names, types (string, integer, number, boolean, enum, array of strings) and required subset are drawn from
/// <c>i</c> alone, so every run asks for the same outputs. Strings and arrays are bounded (maxLength, maxItems) and
/// few properties are required, so a complete output fits well inside 128 tokens even one byte per token.
/// </summary>
public static class BenchSchemas
{
    public const int Properties = 10;
    public const int Required = 3;

    private const int Seed = 11;

    private static readonly string[] Stems =
        ["id", "name", "city", "score", "count", "tag", "note", "kind", "size", "rank", "level", "owner", "color", "year", "price", "ok"];

    private static readonly string[] EnumValues = ["red", "green", "blue", "open", "closed", "low", "high", "none"];

    /// <summary>The schema of request <paramref name="index"/>, as JSON text.</summary>
    public static string Create(int index)
    {
        var names = Names(index);
        var required = RequiredNames(index, names);
        var json = new StringBuilder("{\"type\":\"object\",\"properties\":{");
        for (int p = 0; p < names.Length; p++)
        {
            if (p > 0) json.Append(',');
            json.Append('"').Append(names[p]).Append("\":").Append(Property(index, p));
        }
        json.Append("},\"required\":[").AppendJoin(',', required.Select(n => $"\"{n}\"")).Append("],\"additionalProperties\":false}");
        return json.ToString();
    }

    /// <summary>Ten distinct names: a stem and the property's position, e.g. <c>city_3</c>.</summary>
    private static string[] Names(int index)
    {
        var names = new string[Properties];
        for (int p = 0; p < Properties; p++)
            names[p] = string.Create(CultureInfo.InvariantCulture, $"{Stems[Draw(index, p, 0, Stems.Length)]}_{p}");
        return names;
    }

    /// <summary><see cref="Required"/> distinct names, in schema order.</summary>
    private static string[] RequiredNames(int index, string[] names)
    {
        var chosen = new SortedSet<int>();
        for (int k = 0; chosen.Count < Required; k++) chosen.Add(Draw(index, Properties + k, 1, Properties));
        return chosen.Select(p => names[p]).ToArray();
    }

    private static string Property(int index, int p) => Draw(index, p, 2, 6) switch
    {
        0 => string.Create(CultureInfo.InvariantCulture, $"{{\"type\":\"string\",\"maxLength\":{4 + Draw(index, p, 3, 9)}}}"),
        1 => string.Create(CultureInfo.InvariantCulture, $"{{\"type\":\"integer\",\"minimum\":0,\"maximum\":{(int)Math.Pow(10, 1 + Draw(index, p, 3, 4))}}}"),
        2 => "{\"type\":\"number\",\"minimum\":0,\"maximum\":1000}",
        3 => "{\"type\":\"boolean\"}",
        4 => Enum(index, p),
        _ => string.Create(CultureInfo.InvariantCulture, $"{{\"type\":\"array\",\"items\":{{\"type\":\"string\",\"maxLength\":8}},\"maxItems\":{1 + Draw(index, p, 3, 3)}}}"),
    };

    private static string Enum(int index, int p)
    {
        int first = Draw(index, p, 3, EnumValues.Length), count = 2 + Draw(index, p, 4, 3);
        var values = Enumerable.Range(0, count).Select(k => $"\"{EnumValues[(first + k) % EnumValues.Length]}\"");
        return "{\"enum\":[" + string.Join(',', values) + "]}";
    }

    /// <summary>A uniform draw in [0, <paramref name="range"/>) fixed by the schema, the property and what it is for.</summary>
    private static int Draw(int index, int property, int purpose, int range) =>
        Math.Min((int)(SamplingRandom.Uniform((ulong)(Seed + purpose), index * 64 + property) * range), range - 1);
}
