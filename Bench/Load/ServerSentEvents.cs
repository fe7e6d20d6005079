using System.Runtime.CompilerServices;
using System.Text;

namespace QwenVL.Bench.Load;

/// <summary>
/// The data of server-sent events as a client reads them (the WHATWG event-stream format): an event is its
/// <c>data:</c> lines joined with newlines, ended by a blank line; comments (<c>:</c> lines) and other fields are
/// skipped. A last event the stream cuts off without its blank line is still given, since a benchmark would rather
/// see the [DONE] or error object a sloppy server forgot to terminate than lose it.
/// </summary>
public static class ServerSentEvents
{
    public static async IAsyncEnumerable<string> ReadDataAsync(TextReader reader, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var data = new StringBuilder();
        bool hasData = false;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (!hasData) continue;
                yield return data.ToString();
                data.Clear();
                hasData = false;
                continue;
            }
            if (line[0] == ':') continue;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line.AsSpan() : line.AsSpan(0, colon);
            if (!field.SequenceEqual("data")) continue;
            var value = colon < 0 ? ReadOnlySpan<char>.Empty : line.AsSpan(colon + 1);
            if (value.Length > 0 && value[0] == ' ') value = value[1..];
            if (hasData) data.Append('\n');
            data.Append(value);
            hasData = true;
        }
        if (hasData) yield return data.ToString();
    }
}
