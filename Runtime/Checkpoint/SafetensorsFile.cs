using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace QwenVL.Runtime.Checkpoint;

/// <summary>
/// One memory-mapped .safetensors file: an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw data.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private const long MaxHeaderBytes = 100L << 20;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _dataStart;
    private readonly Dictionary<string, TensorInfo> _tensors;
    private bool _disposed;

    public string Path { get; }
    public IReadOnlyDictionary<string, TensorInfo> Tensors => _tensors;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view,
        long dataStart, Dictionary<string, TensorInfo> tensors)
    {
        Path = path;
        _map = map;
        _view = view;
        _dataStart = dataStart;
        _tensors = tensors;
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        _base = p + view.PointerOffset;
    }

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"safetensors file not found: {path}");
        FileStream? stream = null;
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            // The length of the opened file, not of the path: in a Hugging Face cache snapshot the path is a link.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            long length = stream.Length;
            if (length < 8) throw new CheckpointException($"{path}: truncated file ({length} bytes, no header)");
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            stream = null;
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            long headerLength = view.ReadInt64(0);
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > length)
                throw new CheckpointException(
                    $"{path}: invalid or truncated header (declares {headerLength} bytes, file has {length})");
            var headerBytes = new byte[headerLength];
            view.ReadArray(8, headerBytes, 0, headerBytes.Length);
            long dataStart = 8 + headerLength;
            var tensors = ParseHeader(path, headerBytes, length - dataStart);
            return new SafetensorsFile(path, map, view, dataStart, tensors);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            view?.Dispose();
            map?.Dispose();
            stream?.Dispose();
            throw new CheckpointException($"{path}: cannot read safetensors file ({e.Message})", e);
        }
        catch
        {
            view?.Dispose();
            map?.Dispose();
            stream?.Dispose();
            throw;
        }
    }

    private static Dictionary<string, TensorInfo> ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header); }
        catch (JsonException e) { throw new CheckpointException($"{path}: header is not valid JSON ({e.Message})", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"{path}: header is a JSON {doc.RootElement.ValueKind}, expected an object of tensors");
            var result = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == "__metadata__") continue;
                var info = ParseEntry(path, entry);
                if (info.End > dataLength)
                    throw new CheckpointException(
                        $"{path}: truncated file: tensor '{info.Name}' ends at byte {info.End} of the data, which has {dataLength}");
                if (!result.TryAdd(info.Name, info))
                    throw new CheckpointException($"{path}: header lists tensor '{info.Name}' twice");
            }
            return result;
        }
    }

    private static TensorInfo ParseEntry(string path, JsonProperty entry)
    {
        try
        {
            var v = entry.Value;
            string dtypeName = v.GetProperty("dtype").GetString() ?? "";
            if (!TensorDTypes.TryParse(dtypeName, out var dtype))
                throw new CheckpointException(
                    $"{path}: tensor '{entry.Name}' has unsupported dtype {dtypeName} (known: {string.Join(", ", Enum.GetNames<TensorDType>())})");
            var shape = v.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (shape.Any(d => d < 0))
                throw new CheckpointException($"{path}: tensor '{entry.Name}' has a negative dimension in [{string.Join(", ", shape)}]");
            var offsets = v.GetProperty("data_offsets");
            if (offsets.GetArrayLength() != 2)
                throw new CheckpointException($"{path}: tensor '{entry.Name}' data_offsets must be [begin, end]");
            long begin = offsets[0].GetInt64(), end = offsets[1].GetInt64();
            if (begin < 0 || end < begin)
                throw new CheckpointException($"{path}: tensor '{entry.Name}' has invalid data_offsets [{begin}, {end}]");
            var info = new TensorInfo(entry.Name, dtype, shape, begin, end);
            if (end - begin != info.ElementCount * dtype.SizeOf())
                throw new CheckpointException(
                    $"{path}: tensor '{entry.Name}' {info.ShapeText} {dtypeName} spans {end - begin} bytes, expected {info.ElementCount * dtype.SizeOf()}");
            return info;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // A header entry missing "dtype"/"shape"/"data_offsets", or with a value of the wrong JSON kind.
            throw new CheckpointException($"{path}: malformed header entry for tensor '{entry.Name}' ({e.Message})", e);
        }
    }

    /// <summary>The tensor's raw bytes, as stored (valid while this file is open).</summary>
    public ReadOnlySpan<byte> RawBytes(TensorInfo info)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long n = info.End - info.Begin;
        if (n > int.MaxValue) throw new CheckpointException($"{Path}: tensor '{info.Name}' is over 2 GiB; read it in parts");
        return new ReadOnlySpan<byte>(_base + _dataStart + info.Begin, (int)n);
    }

    /// <summary>Copies the tensor into <paramref name="destination"/> as float32, widening BF16/F16.</summary>
    public void ReadFloat32(TensorInfo info, Span<float> destination)
    {
        if (!info.DType.IsReadableAsFloat32())
            throw new CheckpointException(
                $"{Path}: tensor '{info.Name}' has dtype {info.DType}, which cannot be read as float32 (supported: BF16, F16, F32)");
        if (destination.Length != info.ElementCount)
            throw new ArgumentException($"destination holds {destination.Length} floats, tensor '{info.Name}' has {info.ElementCount}");
        var raw = RawBytes(info);
        switch (info.DType)
        {
            case TensorDType.F32:
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(destination);
                break;
            case TensorDType.BF16:
                WidenBFloat16(MemoryMarshal.Cast<byte, ushort>(raw), destination);
                break;
            case TensorDType.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(raw), destination);
                break;
        }
    }

    public void ReadInt32(TensorInfo info, Span<int> destination)
    {
        if (info.DType != TensorDType.I32)
            throw new CheckpointException($"{Path}: tensor '{info.Name}' is {info.DType}, expected I32");
        if (destination.Length != info.ElementCount)
            throw new ArgumentException($"destination holds {destination.Length} ints, tensor '{info.Name}' has {info.ElementCount}");
        MemoryMarshal.Cast<byte, int>(RawBytes(info)).CopyTo(destination);
    }

    // bfloat16 is the top half of a float32, so widening is a shift; no rounding is involved.
    private static void WidenBFloat16(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        var bits = MemoryMarshal.Cast<float, uint>(destination);
        for (int i = 0; i < source.Length; i++) bits[i] = (uint)source[i] << 16;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
