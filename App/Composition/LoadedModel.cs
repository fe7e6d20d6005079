using QwenVL.Http.Configuration;
using QwenVL.Http.Structured;
using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Progress;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;

namespace QwenVL.App.Composition;

/// <summary>A model directory opened for serving: its configs, tokenizer and executor, and the name it answers to.</summary>
public sealed class LoadedModel : IDisposable
{
    public ModelDirectory Directory { get; }
    public QwenTokenizer Tokenizer { get; }
    public IModelExecutor Executor { get; }
    public string Name { get; }

    /// <summary>The output constraints compiled for this model, shared by the edge's validation and the replica.</summary>
    public StructuredOutputs Grammars { get; }

    private LoadedModel(ModelDirectory directory, QwenTokenizer tokenizer, IModelExecutor executor, string name)
    {
        Directory = directory;
        Tokenizer = tokenizer;
        Executor = executor;
        Name = name;
        Grammars = new StructuredOutputs(tokenizer);
    }

    /// <summary>Opens the directory and builds the executor <paramref name="choice"/> picks (by default: CUDA if a device answers, else the CPU).</summary>
    /// <param name="path">The model directory (a Hub model's snapshot folder once resolved).</param>
    /// <param name="maxModelLength">Null: the model's max_position_embeddings.</param>
    /// <param name="blockSize">The KV cache block size in tokens.</param>
    /// <param name="name">The model's name in responses; null: the directory's name.</param>
    /// <param name="progress">Gets a counter of the weight bytes read; null: not counted.</param>
    /// <param name="choice">Which executor, with the step limits it is sized for.</param>
    public static LoadedModel Open(string path, int? maxModelLength = null, int blockSize = CpuExecutor.DefaultBlockSize, string? name = null,
        ProgressBoard? progress = null, ExecutorChoice? choice = null)
    {
        var directory = ModelDirectory.Open(path);
        var tokenizer = QwenTokenizer.Load(directory.Path);
        var executor = (choice ?? new ExecutorChoice()).Create(directory, maxModelLength, blockSize, progress);
        name ??= Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        return new LoadedModel(directory, tokenizer, executor, name);
    }

    /// <summary>EOS ids from generation_config.json, else config.json's.</summary>
    public int[] EosTokenIds =>
        Directory.Generation.EosTokenIds.Length > 0 ? Directory.Generation.EosTokenIds : [Directory.Config.Tokens.EosTokenId];

    /// <summary>What the HTTP edge is told of this model under <paramref name="options"/>.</summary>
    public ServedModel ServedAs(ServeOptions options) =>
        ServedModel.Create(Directory, Tokenizer, Executor.Spec, options) with { Grammars = new ServedGrammars(Grammars) };

    public void Dispose() => Executor.Dispose();
}
