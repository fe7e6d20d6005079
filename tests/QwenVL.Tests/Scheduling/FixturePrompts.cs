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

/// <summary>The tiny fixture's chats as prompts and images, and what one of them gets when it runs alone.</summary>
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

    /// <summary>The tokens one choice of the prompt gets alone, on a fresh executor, in steps of at most 32 tokens.</summary>
    public static int[] Alone(PromptInput prompt, PixelPatches[] images, SamplingParams p)
    {
        using var executor = TinyModel.NewExecutor(blocks: 64);
        return Loop(executor, 64, stepTokens: 32).Run(new PreparedPrompt(prompt, images), p with { N = 1 }).Choices.Single().TokenIds;
    }

    /// <summary>The generation loop over the executor's <paramref name="blocks"/> KV blocks, with the fixture's EOS ids.</summary>
    public static GenerationLoop Loop(CpuExecutor executor, int blocks, int stepTokens = 2048) =>
        new(executor, Config(executor, blocks, stepTokens), SharedTokenizer.Instance, Eos);

    public static Scheduler NewScheduler(CpuExecutor executor, int blocks, int budget = 2048, bool prefixCaching = true, int maxSeqs = 16) =>
        new(Config(executor, blocks, budget, prefixCaching, maxSeqs));

    public static SchedulerConfig Config(CpuExecutor executor, int blocks, int budget = 2048, bool prefixCaching = true, int maxSeqs = 16) =>
        new(blocks, executor.Spec.BlockSize, executor.Spec.MaxModelLength, MaxNumSeqs: maxSeqs, MaxNumBatchedTokens: budget,
            EnablePrefixCaching: prefixCaching);
}
