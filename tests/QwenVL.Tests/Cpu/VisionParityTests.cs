using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Scheduling;
using QwenVL.Tests.Text;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Cpu;

/// <summary>Images end to end on the CPU against what transformers computed from the tiny fixture.</summary>
public class VisionParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-3;
    private const int Merge = 2;

    public static TheoryData<string> ImageCases => new() { "image_seed_question", "image_two", "image_tall_jpeg", "image_tall_png" };

    private static PixelPatches[] Patches(ChatCase chat)
    {
        var processor = new ImageProcessor(TinyModel.Directory.Preprocessor);
        return chat.Images
            .Select(name => processor.Preprocess(ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", name)))))
            .ToArray();
    }

    private static PromptInput Prompt(ChatCase chat, PixelPatches[] patches) =>
        PromptInput.Build(SharedTokenizer.Instance.Encode(chat.PromptText),
            patches.Select(p => new ImageGrid(p.GridT, p.GridH, p.GridW)).ToArray(), TinyModel.Directory.Config.Tokens, Merge);

    [Theory]
    [MemberData(nameof(ImageCases))]
    public void Image_embeddings_match_reference(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        using var executor = TinyModel.NewExecutor();
        var embeddings = Patches(chat).SelectMany(p => executor.EncodeImage(p).Values).ToArray();
        double err = ParityMath.MaxAbsDiff(embeddings, TinyReference.Instance.Floats(name + ".image_embeds"));
        output.WriteLine($"{name} image_embeds max abs error {err:E3}");
        Assert.True(err < Tolerance, $"image embeddings differ by {err}");
    }

    [Theory]
    [MemberData(nameof(ImageCases))]
    public void Prompt_ids_positions_and_rope_delta_equal_reference(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        var patches = Patches(chat);
        Assert.Equal(chat.ImageGridThw, patches.Select(p => new[] { p.GridT, p.GridH, p.GridW }).ToArray());
        var prompt = Prompt(chat, patches);
        Assert.Equal(chat.InputIds, prompt.Tokens);
        Assert.Equal(TinyReference.Instance.Int32s(name + ".position_ids"), prompt.Positions);
        Assert.Equal(chat.RopeDeltas[0], prompt.RopeDelta);
    }

    [Theory]
    [MemberData(nameof(ImageCases))]
    public void Last_logits_match_reference_when_prefilled_in_chunks(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        using var executor = TinyModel.NewExecutor();
        var patches = Patches(chat);
        var keys = patches.Select(ImageKey.Of).ToArray();
        var encode = patches.Select((p, i) => new ImageToEncode(keys[i], p)).ToArray();
        var prompt = Prompt(chat, patches);
        int[] table = [5, 1, 9, 3, 7];
        float[] logits = [];
        const int chunk = 13; // cuts through the images' token runs
        for (int start = 0; start < prompt.Tokens.Length; start += chunk)
        {
            int n = Math.Min(chunk, prompt.Tokens.Length - start);
            var step = new SequenceStep(0, prompt.Tokens[start..(start + n)], MRopePositions.Slice(prompt.Positions, prompt.Tokens.Length, start, n),
                table, start, null, prompt.ImageSlicesFor(start, n, keys));
            logits = executor.LastTokenLogits(new StepBatch([step], start == 0 ? encode : null), sampledOnly: false, out _);
        }
        double err = ParityMath.MaxAbsDiff(logits, TinyReference.Instance.Floats(name + ".last_logits"));
        output.WriteLine($"{name} last logits max abs error {err:E3}");
        Assert.True(err < Tolerance, $"logits differ by {err}");
    }

    [Theory]
    [MemberData(nameof(ImageCases))]
    public void Greedy_decoding_reproduces_the_reference_tokens(string name)
    {
        var chat = TinyReference.Instance.Chat(name);
        var executor = TinyModel.NewExecutor(blocks: 64);
        var patches = Patches(chat);
        var choice = FixturePrompts.Loop(executor, 64, stepTokens: 32)
            .Run(new PreparedPrompt(Prompt(chat, patches), patches), new SamplingParams { Temperature = 0, MaxTokens = 12, MinTokens = 12 }).Choices.Single();
        Assert.Equal(0, executor.CachedImageCount);
        Assert.Equal(chat.GreedyTokens, choice.TokenIds);
    }
}
