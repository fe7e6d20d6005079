using System.Text.Json;

namespace QwenVL.Runtime.Hub;

/// <summary>
/// Which files of a model repository the server reads: the JSON files at its root (config, generation and
/// processor configs, tokenizer, chat template, the safetensors index), the other tokenizer files, and the
/// safetensors weights. READMEs, other weight formats and subfolders are left on the Hub.
/// </summary>
public static class ServedFiles
{
    public const string ConfigFileName = "config.json";
    public const string TokenizerFileName = "tokenizer.json";
    public const string SingleWeightsFileName = "model.safetensors";
    public const string WeightsIndexFileName = "model.safetensors.index.json";

    public static bool IsNeeded(string repoPath)
    {
        ArgumentNullException.ThrowIfNull(repoPath);
        if (repoPath.Contains('/')) return false;
        return repoPath.EndsWith(".json", StringComparison.Ordinal)
            || repoPath.EndsWith(".safetensors", StringComparison.Ordinal)
            || repoPath.EndsWith(".jinja", StringComparison.Ordinal)
            || repoPath is "merges.txt" or "tokenizer.model";
    }

    /// <summary>
    /// The files the server cannot start without that <paramref name="snapshotDirectory"/> lacks: config.json,
    /// tokenizer.json and the weights (model.safetensors, or the index and every shard it names). Empty when
    /// the snapshot can be served. Dangling links count as missing.
    /// </summary>
    public static IReadOnlyList<string> MissingRequired(string snapshotDirectory)
    {
        ArgumentNullException.ThrowIfNull(snapshotDirectory);
        bool Has(string name) => HubCache.EntryExists(Path.Combine(snapshotDirectory, name));
        var missing = new List<string>();
        if (!Has(ConfigFileName)) missing.Add(ConfigFileName);
        if (!Has(TokenizerFileName)) missing.Add(TokenizerFileName);
        if (Has(SingleWeightsFileName)) return missing;
        if (Has(WeightsIndexFileName))
        {
            missing.AddRange(IndexedShards(Path.Combine(snapshotDirectory, WeightsIndexFileName)).Where(shard => !Has(shard)));
            return missing;
        }
        bool anyWeights = Directory.Exists(snapshotDirectory) && Directory.EnumerateFiles(snapshotDirectory, "*.safetensors").Any(HubCache.EntryExists);
        // A link left without its blob says which layout the model has.
        if (!anyWeights)
            missing.Add(new FileInfo(Path.Combine(snapshotDirectory, SingleWeightsFileName)).LinkTarget != null
                ? SingleWeightsFileName
                : $"{SingleWeightsFileName} (or {WeightsIndexFileName} and its shards)");
        return missing;
    }

    /// <summary>The shard file names the index's weight_map points at, each once; none when the index cannot be read.</summary>
    private static IEnumerable<string> IndexedShards(string indexPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object) return [];
            return map.EnumerateObject()
                .Where(e => e.Value.ValueKind == JsonValueKind.String)
                .Select(e => e.Value.GetString()!)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToArray();
        }
        catch (JsonException)
        {
            // The checkpoint loader reports a broken index by name; here it only cannot list shards.
            return [];
        }
    }
}
