using System.Text.Json;

namespace QwenVL.Runtime.Checkpoint;

/// <summary>
/// Which .safetensors files of a model directory hold its weights. Looked for in the order the Hugging Face
/// loader uses: model.safetensors, then model.safetensors.index.json (its weight_map names the shards), then,
/// for hand-assembled directories, every *.safetensors file in the directory.
/// </summary>
internal sealed record WeightFiles(
    IReadOnlyList<string> Paths,
    string? IndexPath,
    IReadOnlyDictionary<string, string> IndexedShardOf)
{
    public const string SingleFileName = "model.safetensors";
    public const string IndexFileName = "model.safetensors.index.json";

    public static WeightFiles Find(string directory)
    {
        var single = Path.Combine(directory, SingleFileName);
        if (File.Exists(single)) return new WeightFiles([single], null, new Dictionary<string, string>());

        var index = Path.Combine(directory, IndexFileName);
        if (File.Exists(index)) return FromIndex(directory, index);

        var all = Directory.GetFiles(directory, "*.safetensors").Order(StringComparer.Ordinal).ToArray();
        if (all.Length == 0)
            throw new CheckpointException(
                $"checkpoint {directory} has no weights: no {SingleFileName}, no {IndexFileName} and no other *.safetensors file");
        return new WeightFiles(all, null, new Dictionary<string, string>());
    }

    private static WeightFiles FromIndex(string directory, string indexPath)
    {
        var root = JsonFile.LoadObject(indexPath);
        if (!root.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new CheckpointException($"{indexPath}: has no \"weight_map\" object");

        var shardOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var shards = new List<string>();
        foreach (var entry in map.EnumerateObject())
        {
            string shard = entry.Value.ValueKind == JsonValueKind.String ? entry.Value.GetString()! : "";
            // Shards sit beside the index; a path that leaves the directory is a broken or hostile index.
            if (shard.Length == 0 || Path.GetFileName(shard) != shard)
                throw new CheckpointException(
                    $"{indexPath}: weight_map gives tensor '{entry.Name}' the shard {entry.Value.GetRawText()}, expected a file name in the same directory");
            string shardPath = Path.Combine(directory, shard);
            if (!shards.Contains(shardPath))
            {
                if (!File.Exists(shardPath))
                    throw new CheckpointException(
                        $"checkpoint {directory}: shard '{shard}' listed in {IndexFileName} (for tensor '{entry.Name}') is missing");
                shards.Add(shardPath);
            }
            shardOf[entry.Name] = shardPath;
        }
        if (shards.Count == 0) throw new CheckpointException($"{indexPath}: weight_map is empty");
        return new WeightFiles(shards, indexPath, shardOf);
    }
}
