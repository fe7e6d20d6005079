using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Vision;
using QwenVL.Tests.Fixtures;
using Xunit;

namespace QwenVL.Tests.Scheduling;

/// <summary>Prefix and encoder caches over the real CPU executor: reuse must not change a single token.</summary>
public class PrefixCacheParityTests
{
    private const string System = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant. "
        + "Answer briefly and precisely, in the language of the question, and say so when you do not know.<|im_end|>\n";

    private static PromptInput Ask(string question) =>
        FixturePrompts.Build($"{System}<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n", []);

    /// <summary>Runs the requests one after another through one scheduler, so later ones can hit earlier ones' blocks.</summary>
    private static RunLog RunInTurn(bool prefixCaching, params SequenceRequest[] requests)
    {
        using var executor = TinyModel.NewExecutor(blocks: 64);
        var scheduler = FixturePrompts.NewScheduler(executor, 64, budget: 32, prefixCaching);
        var log = new RunLog();
        foreach (var r in requests)
        {
            Assert.Equal(AddOutcome.Accepted, scheduler.Add(r));
            StepLoop.Run(scheduler, executor.Execute, log: log);
        }
        Assert.Equal(0, executor.CachedImageCount);
        return log;
    }

    [Fact]
    public void A_shared_system_prompt_is_reused_and_the_tokens_do_not_change()
    {
        var first = FixturePrompts.Request(1, Ask("What is the capital of France?"), [], FixturePrompts.Greedy12);
        var second = FixturePrompts.Request(2, Ask("Count to three."), [], FixturePrompts.Greedy12);
        var cached = RunInTurn(true, first, second);
        var uncached = RunInTurn(false, first, second);
        int shared = Enumerable.Range(0, second.Prompt.Tokens.Length).TakeWhile(i => first.Prompt.Tokens[i] == second.Prompt.Tokens[i]).Count();
        Assert.True(shared >= 32, $"the prompts share only {shared} tokens");
        Assert.Equal(shared / 16 * 16, cached.Finished[second.Id].CachedPromptTokens);
        Assert.Equal(0, uncached.Finished[second.Id].CachedPromptTokens);
        Assert.Equal(uncached.TokensOf(2), cached.TokensOf(2));
        Assert.Equal(FixturePrompts.Alone(second.Prompt, [], FixturePrompts.Greedy12), cached.TokensOf(2));
    }

    [Fact]
    public void The_same_image_hits_and_another_image_with_the_same_tokens_does_not()
    {
        var (prompt, images) = FixturePrompts.Load("image_seed_question");
        var original = images[0];
        // Same grid, so the same token ids and positions; other pixels, so another picture.
        var other = new PixelPatches(original.Values.Select(v => -v).ToArray(), original.GridT, original.GridH, original.GridW);
        Assert.NotEqual(ImageKey.Of(original), ImageKey.Of(other));
        var a = FixturePrompts.Request(1, prompt, [original], FixturePrompts.Greedy12);
        var again = FixturePrompts.Request(2, prompt, [original], FixturePrompts.Greedy12);
        var changed = FixturePrompts.Request(3, prompt, [other], FixturePrompts.Greedy12);
        var log = RunInTurn(true, a, again, changed);

        var image = prompt.Images[0];
        Assert.True(log.Finished[again.Id].CachedPromptTokens >= image.End, "the same image should be reused");
        Assert.True(log.Finished[changed.Id].CachedPromptTokens <= image.Start, "a different image must not be reused");
        var reference = TinyReference.Instance.Chat("image_seed_question").GreedyTokens;
        Assert.Equal(reference, log.TokensOf(1));
        Assert.Equal(reference, log.TokensOf(2));
        Assert.Equal(FixturePrompts.Alone(prompt, [other], FixturePrompts.Greedy12), log.TokensOf(3));
        Assert.NotEqual(reference, log.TokensOf(3));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Three_choices_of_an_image_prompt_encode_the_image_once_and_release_it(bool prefixCaching)
    {
        var (prompt, images) = FixturePrompts.Load("image_two");
        using var executor = TinyModel.NewExecutor(blocks: 64);
        var scheduler = FixturePrompts.NewScheduler(executor, 64, budget: 32, prefixCaching);
        for (int i = 0; i < 3; i++) scheduler.Add(FixturePrompts.Request(i, prompt, images, FixturePrompts.Greedy12, seed: (ulong)i));
        var encodes = new Dictionary<ImageKey, int>();
        var log = StepLoop.Run(scheduler, batch =>
        {
            foreach (var image in batch.Encode ?? []) encodes[image.Key] = encodes.GetValueOrDefault(image.Key) + 1;
            return executor.Execute(batch);
        });
        Assert.Equal(images.Select(ImageKey.Of), encodes.Keys);
        Assert.All(encodes.Values, n => Assert.Equal(1, n));
        Assert.Equal(0, executor.CachedImageCount);
        var reference = TinyReference.Instance.Chat("image_two").GreedyTokens;
        for (int i = 0; i < 3; i++) Assert.Equal(reference, log.TokensOf(i));
    }
}
