using System.Text.Json;

namespace QwenVL.Tests.Http;

/// <summary>Reads GET /v1/live's server-sent events one JSON document at a time.</summary>
public sealed class LiveEventReader(Stream body) : IDisposable
{
    private readonly StreamReader _reader = new(body);

    /// <summary>The next event's data, or null at the end of the stream.</summary>
    public async Task<JsonElement?> NextAsync(CancellationToken cancellationToken)
    {
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            using var doc = JsonDocument.Parse(line["data: ".Length..]);
            return doc.RootElement.Clone();
        }
        return null;
    }

    public void Dispose() => _reader.Dispose();
}
