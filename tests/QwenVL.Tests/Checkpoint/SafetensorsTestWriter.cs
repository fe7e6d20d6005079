using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace QwenVL.Tests.Checkpoint;

/// <summary>One tensor to write: its header fields and its bytes exactly as they go into the file.</summary>
public sealed record TestTensor(string Name, string DType, long[] Shape, byte[] Data)
{
    public static TestTensor F32(string name, long[] shape, params float[] values) =>
        new(name, "F32", shape, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

    public static TestTensor F16(string name, long[] shape, params float[] values) =>
        new(name, "F16", shape, MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan()).ToArray());

    /// <summary>Truncates each float to bfloat16, so use values bfloat16 holds exactly.</summary>
    public static TestTensor BF16(string name, long[] shape, params float[] values) =>
        new(name, "BF16", shape, MemoryMarshal.AsBytes(
            values.Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray().AsSpan()).ToArray());
}

/// <summary>Writes small .safetensors files and shard indexes the way the Python library lays them out.</summary>
public static class SafetensorsTestWriter
{
    public static void Write(string path, IEnumerable<TestTensor> tensors)
    {
        var list = tensors.ToList();
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", "pt");
            json.WriteEndObject();
            long offset = 0;
            foreach (var t in list)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType);
                json.WriteStartArray("shape");
                foreach (var d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.Data.Length;
            }
            json.WriteEndObject();
        }
        // The format pads the header with spaces so the data starts 8-byte aligned.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        using var file = File.Create(path);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(length, header.Length);
        file.Write(length);
        header.Position = 0;
        header.CopyTo(file);
        foreach (var t in list) file.Write(t.Data);
    }

    /// <summary>Writes model.safetensors.index.json mapping each tensor name to its shard's file name.</summary>
    public static void WriteIndex(string path, IEnumerable<(string Tensor, string Shard)> weightMap)
    {
        var map = weightMap.ToDictionary(e => e.Tensor, e => e.Shard);
        var index = new Dictionary<string, object>
        {
            ["metadata"] = new Dictionary<string, long> { ["total_size"] = 0 },
            ["weight_map"] = map,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(index), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
