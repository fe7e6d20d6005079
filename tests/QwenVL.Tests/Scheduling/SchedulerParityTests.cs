using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Scheduling;

/// <summary>
/// The real CPU executor under the scheduler: a sequence's tokens must not depend on what it was batched
/// with, how its prompt was chunked, or whether it was preempted and recomputed.
/// </summary>
public class SchedulerParityTests(ITestOutputHelper output)
{
    /// <summary>Eight sequences: every fixture chat, and a second copy of two of them.</summary>
    private static readonly string[] Eight = [.. FixturePrompts.AllChats, "text_multiturn", "image_two"];

    [Theory]
    [MemberData(nameof(Chats))]
    public void A_sequence_alone_reproduces_the_generation_loop_and_the_reference(string name)
    {
        var (prompt, images) = FixturePrompts.Load(name);
        using var executor = TinyModel.NewExecutor(blocks: 32);
        var scheduler = FixturePrompts.NewScheduler(executor, 32, budget: 24);
        Assert.Equal(AddOutcome.Accepted, scheduler.Add(FixturePrompts.Request(1, prompt, images, FixturePrompts.Greedy12)));
        var log = StepLoop.Run(scheduler, executor.Execute);
        Assert.Equal(TinyReference.Instance.Chat(name).GreedyTokens, log.TokensOf(1));
        Assert.Equal(FixturePrompts.Alone(prompt, images, FixturePrompts.Greedy12), log.TokensOf(1));
        Assert.Equal(0, executor.CachedImageCount);
    }

    public static TheoryData<string> Chats => new(FixturePrompts.AllChats);

    [Theory]
    [InlineData(256, true)]     // room for all: batched, chunked, prefix and encoder caches shared
    [InlineData(256, false)]
    [InlineData(9, true)]       // a pool that forces preemption
    [InlineData(9, false)]
    public void Eight_mixed_sequences_batched_together_match_each_alone(int blocks, bool prefixCaching)
    {
        using var executor = TinyModel.NewExecutor(blocks);
        var scheduler = FixturePrompts.NewScheduler(executor, blocks, budget: 48, prefixCaching);
        for (int i = 0; i < Eight.Length; i++)
        {
            var (prompt, images) = FixturePrompts.Load(Eight[i]);
            Assert.Equal(AddOutcome.Accepted, scheduler.Add(FixturePrompts.Request(i, prompt, images, FixturePrompts.Greedy12)));
        }
        var log = StepLoop.Run(scheduler, executor.Execute);
        output.WriteLine($"{log.Steps} steps, {scheduler.Stats}");
        for (int i = 0; i < Eight.Length; i++)
            Assert.Equal(TinyReference.Instance.Chat(Eight[i]).GreedyTokens, log.TokensOf(i));
        Assert.Equal(0, executor.CachedImageCount);
        if (blocks < 16) Assert.True(scheduler.Stats.Preemptions > 0, "the small pool should force preemption");
        if (prefixCaching) Assert.True(scheduler.Stats.PrefixCacheHits > 0);
    }

    [Fact]
    public void Seeded_sampling_gives_the_same_tokens_alone_batched_and_preempted()
    {
        var p = new SamplingParams { Temperature = 0.9, TopP = 0.95, MaxTokens = 16, Seed = 77, IgnoreEos = true };
        var (prompt, images) = FixturePrompts.Load("image_seed_question");
        var expected = FixturePrompts.Alone(prompt, images, p);

        foreach (int blocks in new[] { 64, 9 })
        {
            using var executor = TinyModel.NewExecutor(blocks);
            var scheduler = FixturePrompts.NewScheduler(executor, blocks, budget: 40);
            for (int i = 0; i < Eight.Length; i++)
            {
                var (otherPrompt, otherImages) = FixturePrompts.Load(Eight[i]);
                scheduler.Add(FixturePrompts.Request(100 + i, otherPrompt, otherImages, FixturePrompts.Greedy12));
            }
            scheduler.Add(FixturePrompts.Request(1, prompt, images, p, seed: 77));
            bool preempted = false;
            var log = StepLoop.Run(scheduler, executor.Execute,
                beforeStep: (_, _) => preempted |= scheduler.StatusOf(new SequenceId(1)) == SequenceStatus.Preempted);
            output.WriteLine($"{blocks} blocks: {scheduler.Stats}");
            Assert.Equal(expected, log.TokensOf(1));
            Assert.Equal(blocks < 16, preempted);
        }
    }

    [Fact]
    public void Aborting_inside_an_image_releases_it_from_the_executor_with_a_step_of_no_sequences()
    {
        var (prompt, images) = FixturePrompts.Load("image_tall_jpeg");
        using var executor = TinyModel.NewExecutor(blocks: 16);
        var scheduler = FixturePrompts.NewScheduler(executor, 16, budget: 32);
        scheduler.Add(FixturePrompts.Request(1, prompt, images, FixturePrompts.Greedy12));
        var batch = scheduler.Schedule()!;
        Assert.True(prompt.Images[0].Start < 32 && prompt.Images[0].End > 32, "the first chunk should end inside the image");
        scheduler.Update(batch, executor.Execute(batch));
        Assert.Equal(1, executor.CachedImageCount);
        Assert.True(scheduler.Abort(new SequenceId(1)));
        var log = StepLoop.Run(scheduler, executor.Execute);
        Assert.Equal(1, log.Steps);
        Assert.Equal(0, executor.CachedImageCount);
    }
}
