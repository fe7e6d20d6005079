using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Text;

namespace QwenVL.Tests.Scheduling;

/// <summary>The tiny fixture's chats as prompts and images, and what the scheduler-free generator makes of them.</summary>
internal static class FixturePrompts
{
    public static readonly int[] Eos = [151645, 151643];
    public static readonly string[] AllChats = ["text_hello", "text_multiturn", "image_seed_question", "image_two", "image_tall_jpeg", "image_tall_png"];

    /// <summary>Greedy, twelve tokens, EOS held back (as the fixture's reference was made).</summary>
    public static readonly SamplingParams Greedy12 = new() { Temperature = 0, MaxTokens = 12, MinTokens = 12 };

    public static (PromptInput Prompt, PixelPatches[] Images) Load(string chatName)
    {
        var chat = TinyReference.Instance.Chat(chatName);
        if (chat.Images.Length == 0) return (PromptInput.FromText(chat.InputIds), []);
        var processor = new ImageProcessor(TinyModel.Directory.Preprocessor);
        var patches = chat.Images
            .Select(name => processor.Preprocess(ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", name)))))
            .ToArray();
        return (Build(chat.PromptText, patches), patches);
    }

    /// <summary>Tokenizes a rendered chat and expands its image placeholders for <paramref name="images"/>.</summary>
    public static PromptInput Build(string promptText, PixelPatches[] images) =>
        PromptInput.Build(SharedTokenizer.Instance.Encode(promptText), images.Select(p => new ImageGrid(p.GridT, p.GridH, p.GridW)).ToArray(),
            TinyModel.Directory.Config.Tokens, mergeSize: 2);

    public static SequenceRequest Request(long id, PromptInput prompt, PixelPatches[] images, SamplingParams p, ulong seed = 0) =>
        new(new SequenceId(id), prompt, images.Select(i => new SequenceImage(ImageKey.Of(i), i)).ToArray(), p, seed,
            p.MaxTokens ?? 12, p.IgnoreEos ? [.. p.StopTokenIds] : [.. Eos, .. p.StopTokenIds]);

    /// <summary>The tokens OfflineGenerator produces for one choice of the prompt, on a fresh executor.</summary>
    public static int[] Offline(PromptInput prompt, PixelPatches[] images, SamplingParams p)
    {
        using var executor = TinyModel.NewExecutor(blocks: 64);
        var generator = new OfflineGenerator(executor, SharedTokenizer.Instance, Eos, prefillChunk: 32);
        return generator.Generate(prompt, p with { N = 1 }, images).Single().TokenIds;
    }

    public static Scheduler NewScheduler(CpuExecutor executor, int blocks, int budget = 2048, bool prefixCaching = true, int maxSeqs = 16) =>
        new(new SchedulerConfig(blocks, executor.Spec.BlockSize, executor.Spec.MaxModelLength, MaxNumSeqs: maxSeqs,
            MaxNumBatchedTokens: budget, EnablePrefixCaching: prefixCaching));
}
