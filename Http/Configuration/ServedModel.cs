using QwenVL.Http.Protocol;
using QwenVL.Http.Structured;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Http.Configuration;

/// <summary>
/// What the HTTP edge knows of the model it serves: the names requests may use, its limits, its tokenizer, the
/// sampling defaults (per --generation-config) and the image settings. It holds no weights and no executor.
/// </summary>
public sealed record ServedModel(
    IReadOnlyList<string> Names,
    string Root,
    string Architecture,
    int MaxModelLength,
    int VocabSize,
    QwenTokenizer Tokenizer,
    GenerationConfig SamplingDefaults,
    PreprocessorConfig Preprocessor,
    ImageInputOptions Images)
{
    /// <summary>
    /// Compiles (and so validates) the requests' output constraints against this model's vocabulary, once per schema;
    /// by default over a cache of its own, or over the replica's when both run in one process.
    /// </summary>
    public ServedGrammars Grammars { get; init; } = new(new StructuredOutputs(Tokenizer));

    /// <summary>The name responses and metrics carry when a request names none.</summary>
    public string PrimaryName => Names[0];

    public PixelBounds ImagePixelBounds => Images.ServerPixelBounds(Preprocessor);

    /// <summary>A request may leave the model out, as vLLM allows; a name it gives must be one of <see cref="Names"/>.</summary>
    public void EnsureServes(string? requested)
    {
        if (requested != null && !Names.Contains(requested, StringComparer.Ordinal)) throw new ModelNotFoundException(requested);
    }

    /// <summary>What a node with the model's weights serves: the context length and vocabulary are its executor's.</summary>
    public static ServedModel Create(ModelDirectory directory, QwenTokenizer tokenizer, ModelSpec spec, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        return new ServedModel(options.ModelNames, options.Model, directory.Config.Architecture, spec.MaxModelLength, spec.VocabSize,
            tokenizer, SamplingDefaultsOf(directory, options.GenerationConfig), directory.Preprocessor, options.Images);
    }

    /// <summary>
    /// What a frontend node serves: the model's configs and tokenizer without its weights; the context length is
    /// --max-model-len, else the model's, as on the workers.
    /// </summary>
    public static ServedModel CreateWithoutWeights(ModelDirectory directory, QwenTokenizer tokenizer, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(options);
        var text = directory.Config.Text;
        return new ServedModel(options.ModelNames, options.Model, directory.Config.Architecture, options.MaxModelLen ?? text.MaxPositionEmbeddings,
            text.VocabSize, tokenizer, SamplingDefaultsOf(directory, options.GenerationConfig), directory.Preprocessor, options.Images);
    }

    /// <summary>vLLM's --generation-config: "auto" takes the model's file, "vllm" none, anything else is a directory holding one.</summary>
    public static GenerationConfig SamplingDefaultsOf(ModelDirectory directory, string generationConfig)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return generationConfig switch
        {
            "auto" => directory.Generation,
            "vllm" => GenerationConfig.Empty,
            _ => GenerationConfig.Load(Path.Combine(generationConfig, ModelDirectory.GenerationConfigFileName)),
        };
    }
}
