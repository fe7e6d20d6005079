using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>A reference case's prompt as the server builds it, with its images' patches and keys.</summary>
internal sealed record PreparedPrompt(PromptInput Input, PixelPatches[] Patches, ImageKey[] Keys)
{
    public int Length => Input.Tokens.Length;

    /// <summary>Tokens [start, start + count) as one sequence's step.</summary>
    public SequenceStep Chunk(long id, int start, int count, int[] blockTable, Runtime.Sampling.SamplingContext? sampling) =>
        new(id, Input.Tokens[start..(start + count)], MRopePositions.Slice(Input.Positions, Length, start, count), blockTable, start, sampling,
            Input.ImageSlicesFor(start, count, Keys));

    /// <summary>The decode step of output token <paramref name="k"/> (0-based) after the whole prompt.</summary>
    public SequenceStep Decode(long id, int k, int token, int[] blockTable, Runtime.Sampling.SamplingContext? sampling)
    {
        int position = Length + k + Input.RopeDelta;
        return new SequenceStep(id, [token], [position, position, position], blockTable, Length + k, sampling);
    }

    public IReadOnlyList<ImageToEncode> Encode => Patches.Select((p, i) => new ImageToEncode(Keys[i], p)).ToArray();

    /// <summary>
    /// The first <paramref name="tokens"/> greedy tokens of one choice of this prompt (EOS held back), run through the
    /// scheduler over <paramref name="blocks"/> KV blocks in steps of at most <paramref name="stepTokens"/> tokens.
    /// </summary>
    public int[] Greedy(IModelExecutor executor, int blocks, int stepTokens, QwenTokenizer tokenizer, IReadOnlyList<int> eosTokenIds, int tokens)
    {
        var spec = executor.Spec;
        var config = new SchedulerConfig(blocks, spec.BlockSize, spec.MaxModelLength, MaxNumSeqs: 16, MaxNumBatchedTokens: stepTokens);
        var greedy = new SamplingParams { Temperature = 0, MaxTokens = tokens, MinTokens = tokens };
        return new GenerationLoop(executor, config, tokenizer, eosTokenIds).Run(new Runtime.Generation.PreparedPrompt(Input, Patches), greedy)
            .Choices.Single().TokenIds;
    }
}

/// <summary>
/// Builds the reference cases' prompts from the model directory (tokenizer, chat text) and the images under
/// <paramref name="imageRoot"/>/images (the model directory unless given).
/// </summary>
internal sealed class Prompts(ModelDirectory model, string? imageRoot = null)
{
    public QwenTokenizer Tokenizer { get; } = QwenTokenizer.Load(model.Path);

    private readonly ImageProcessor _processor = new(model.Preprocessor);

    public PreparedPrompt Build(ReferenceChat chat) => Build(chat.PromptText, chat.Images
        .Select(name => _processor.Preprocess(ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(imageRoot ?? model.Path, "images", name)))))
        .ToArray());

    /// <summary>A chat rendered with the chat template, its images (one per image part, in order) given as pixels.</summary>
    public PreparedPrompt Build(IReadOnlyList<ChatMessage> messages, IReadOnlyList<RgbImage> images) =>
        Build(ChatTemplate.Render(messages), images.Select(image => _processor.Preprocess(image)).ToArray());

    private PreparedPrompt Build(string promptText, PixelPatches[] patches)
    {
        var input = PromptInput.Build(Tokenizer.Encode(promptText), patches.Select(p => new ImageGrid(p.GridT, p.GridH, p.GridW)).ToArray(),
            model.Config.Tokens, model.Config.Vision.SpatialMergeSize);
        return new PreparedPrompt(input, patches, patches.Select(ImageKey.Of).ToArray());
    }
}
