using System.Text.Json;

namespace QwenVL.Runtime.Checkpoint;

/// <summary>Loads the JSON files of a model directory, turning I/O and syntax errors into messages that name the file and position.</summary>
internal static class JsonFile
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The file's root object, detached from the parser so it outlives it.</summary>
    public static JsonElement LoadObject(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"{path}: cannot read file ({e.Message})", e);
        }
        // JsonDocument rejects a byte-order mark, which Windows editors write at the start of UTF-8 files.
        ReadOnlyMemory<byte> json = bytes.AsSpan().StartsWith(Utf8Bom) ? bytes.AsMemory(Utf8Bom.Length) : bytes;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"{path}: expected a JSON object at the top level, found {doc.RootElement.ValueKind}");
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            // LineNumber and BytePositionInLine are zero-based; editors count from one.
            string where = e.LineNumber is long line
                ? $" at line {line + 1}, byte {(e.BytePositionInLine ?? 0) + 1}"
                : "";
            throw new CheckpointException($"{path}: invalid JSON{where}: {Reason(e)}", e);
        }
    }

    // The parser appends " LineNumber: n | BytePositionInLine: m." to its message; the position is already stated.
    private static string Reason(JsonException e)
    {
        int cut = e.Message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? e.Message[..cut] : e.Message;
    }
}
