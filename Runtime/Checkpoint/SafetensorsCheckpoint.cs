using QwenVL.Runtime.Progress;

namespace QwenVL.Runtime.Checkpoint;

/// <summary>
/// All weights of a model directory, in one file or in shards, addressed by canonical tensor names
/// (see <see cref="TensorNames"/>) whatever names the files store. Reads go straight from memory-mapped
/// files; spans returned by <see cref="RawBytes"/> are valid until the checkpoint is disposed. Opened with a
/// progress board, it counts the bytes each read takes from the files, so loading the weights shows progress.
/// </summary>
public sealed class SafetensorsCheckpoint : IDisposable
{
    private readonly SafetensorsFile[] _files;
    private readonly Dictionary<string, Entry> _entries;
    private readonly string[] _names;
    private readonly ByteCounter? _reads;
    private bool _disposed;

    /// <summary>The label of the read counter on the progress board.</summary>
    public const string ProgressLabel = "Loading safetensors weights";
    /// <summary>A load quicker than this shows no progress.</summary>
    public static readonly TimeSpan ProgressShowAfter = TimeSpan.FromSeconds(1);

    /// <summary>Where a canonical name's data lives. <see cref="Stored"/> keeps the file's own name for messages.</summary>
    private readonly record struct Entry(SafetensorsFile File, TensorInfo Stored, TensorInfo Canonical);

    public string Directory { get; }

    /// <summary>Canonical names of every tensor, sorted ordinally.</summary>
    public IReadOnlyCollection<string> Names => _names;

    /// <summary>The output projection: "lm_head.weight" when stored, else the tied "model.embed_tokens.weight".</summary>
    public string LmHeadName => Contains(TensorNames.LmHead) ? TensorNames.LmHead : TensorNames.EmbedTokens;

    private SafetensorsCheckpoint(string directory, SafetensorsFile[] files, Dictionary<string, Entry> entries, ProgressBoard? progress)
    {
        Directory = directory;
        _files = files;
        _entries = entries;
        _names = entries.Keys.Order(StringComparer.Ordinal).ToArray();
        _reads = progress?.Start(ProgressLabel, entries.Values.Sum(e => e.Stored.End - e.Stored.Begin), showAfter: ProgressShowAfter);
    }

    /// <param name="directory">The model directory.</param>
    /// <param name="progress">Where to count the bytes read, until the checkpoint is disposed; null: not counted.</param>
    public static SafetensorsCheckpoint Open(string directory, ProgressBoard? progress = null)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new CheckpointException($"checkpoint directory not found: {directory}");
        var weights = WeightFiles.Find(directory);
        var files = new List<SafetensorsFile>();
        try
        {
            foreach (var path in weights.Paths) files.Add(SafetensorsFile.Open(path));
            var entries = IndexTensors(directory, files);
            CheckAgainstIndex(weights, files);
            return new SafetensorsCheckpoint(directory, files.ToArray(), entries, progress);
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
    }

    private static Dictionary<string, Entry> IndexTensors(string directory, List<SafetensorsFile> files)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var stored in file.Tensors.Values)
            {
                string canonical = TensorNames.ToCanonical(stored.Name);
                if (entries.TryGetValue(canonical, out var other))
                {
                    throw new CheckpointException(stored.Name == other.Stored.Name
                        ? $"checkpoint {directory}: tensor '{stored.Name}' is stored twice, in {other.File.Path} and {file.Path}"
                        : $"checkpoint {directory}: tensors '{other.Stored.Name}' ({other.File.Path}) and '{stored.Name}' ({file.Path}) both map to '{canonical}'");
                }
                entries.Add(canonical, new Entry(file, stored, stored with { Name = canonical }));
            }
        }
        return entries;
    }

    // The index is what other loaders trust; a tensor it places in a shard that lacks it means the files
    // were mixed up, which is worth failing on even when the tensor turns up elsewhere.
    private static void CheckAgainstIndex(WeightFiles weights, List<SafetensorsFile> files)
    {
        foreach (var (name, shardPath) in weights.IndexedShardOf)
        {
            var shard = files.First(f => f.Path == shardPath);
            if (!shard.Tensors.ContainsKey(name))
                throw new CheckpointException(
                    $"{weights.IndexPath}: places tensor '{name}' in {Path.GetFileName(shardPath)}, which has no such tensor");
        }
    }

    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The tensor's dtype, shape and byte range; <see cref="TensorInfo.Name"/> is the canonical name.</summary>
    public TensorInfo Info(string name) => Find(name).Canonical;

    /// <summary>The tensor as float32, after checking it has exactly <paramref name="expectedShape"/> (empty means a scalar).</summary>
    public float[] ReadFloat32(string name, params long[] expectedShape)
    {
        var entry = Find(name);
        CheckShape(entry, expectedShape);
        long count = entry.Stored.ElementCount;
        if (count > Array.MaxLength)
            throw new CheckpointException($"checkpoint {Directory}: tensor '{name}' has {count} elements, too many for one array; read it into a span");
        var result = new float[count];
        entry.File.ReadFloat32(entry.Stored, result);
        _reads?.Add(entry.Stored.End - entry.Stored.Begin);
        return result;
    }

    /// <summary>Copies the tensor into <paramref name="destination"/> as float32, after checking its shape.</summary>
    public void ReadFloat32(string name, ReadOnlySpan<long> expectedShape, Span<float> destination)
    {
        var entry = Find(name);
        CheckShape(entry, expectedShape);
        entry.File.ReadFloat32(entry.Stored, destination);
        _reads?.Add(entry.Stored.End - entry.Stored.Begin);
    }

    /// <summary>The tensor's bytes as stored, in its own dtype; valid until this checkpoint is disposed.</summary>
    public ReadOnlySpan<byte> RawBytes(string name)
    {
        var entry = Find(name);
        return entry.File.RawBytes(entry.Stored);
    }

    private Entry Find(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_entries.TryGetValue(name, out var entry))
            throw new CheckpointException($"checkpoint {Directory} has no tensor '{name}'");
        return entry;
    }

    private void CheckShape(Entry entry, ReadOnlySpan<long> expected)
    {
        if (!entry.Stored.Shape.AsSpan().SequenceEqual(expected))
            throw new CheckpointException(
                $"checkpoint {Directory}: tensor '{entry.Canonical.Name}' has shape {entry.Stored.ShapeText}, expected [{string.Join(", ", expected.ToArray())}]");
    }

    public void Dispose()
    {
        _reads?.Finish();
        _disposed = true;
        foreach (var f in _files) f.Dispose();
    }
}
