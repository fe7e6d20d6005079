using QwenVL.Runtime.Checkpoint;

namespace QwenVL.Runtime.Model;

/// <summary>
/// A Hugging Face model directory of Qwen2-VL: config.json (required), generation_config.json and
/// preprocessor_config.json (optional, defaults when absent), and safetensors weights opened on demand.
/// </summary>
public sealed class ModelDirectory
{
    public const string ConfigFileName = "config.json";
    public const string GenerationConfigFileName = "generation_config.json";
    public const string PreprocessorConfigFileName = "preprocessor_config.json";

    /// <summary>The directory's full path.</summary>
    public string Path { get; }
    public ModelConfig Config { get; }
    /// <summary>generation_config.json, or <see cref="GenerationConfig.Empty"/> when the directory has none.</summary>
    public GenerationConfig Generation { get; }
    /// <summary>preprocessor_config.json, or Qwen2VLImageProcessor's defaults when the directory has none.</summary>
    public PreprocessorConfig Preprocessor { get; }

    private ModelDirectory(string path, ModelConfig config, GenerationConfig generation, PreprocessorConfig preprocessor)
    {
        Path = path;
        Config = config;
        Generation = generation;
        Preprocessor = preprocessor;
    }

    public static ModelDirectory Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(full)) throw new CheckpointException($"model directory not found: {full}");
        string configPath = System.IO.Path.Combine(full, ConfigFileName);
        if (!File.Exists(configPath)) throw new CheckpointException($"model directory {full} has no {ConfigFileName}");

        var config = ModelConfigReader.Read(ConfigSection.Load(configPath));
        var generation = ReadOptional(full, GenerationConfigFileName, GenerationConfigReader.Read) ?? GenerationConfig.Empty;
        var preprocessor = ReadOptional(full, PreprocessorConfigFileName, PreprocessorConfigReader.Read)
            ?? PreprocessorConfigReader.Defaults;
        return new ModelDirectory(full, config, generation, preprocessor);
    }

    /// <summary>Opens the directory's weights; the caller disposes them.</summary>
    public SafetensorsCheckpoint OpenCheckpoint() => SafetensorsCheckpoint.Open(Path);

    private static T? ReadOptional<T>(string directory, string fileName, Func<ConfigSection, T> read) where T : class
    {
        string path = System.IO.Path.Combine(directory, fileName);
        return File.Exists(path) ? read(ConfigSection.Load(path)) : null;
    }
}
