using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Scheduling;

/// <summary>Prefix caching over the checking fake: it fails any step whose reused blocks hold other contents.</summary>
public class PrefixCacheTests
{
    private static (Scheduler, FakeExecutor) New(int blocks = 64, int budget = 64, bool prefixCaching = true) =>
        (new Scheduler(new SchedulerConfig(blocks, 4, MaxModelLength: 256, MaxNumSeqs: 8, MaxNumBatchedTokens: budget, EnablePrefixCaching: prefixCaching)),
            new FakeExecutor(blocks, 4));

    private static readonly int[] System = Requests.Tokens(22, 42);

    [Fact]
    public void A_second_request_reuses_the_full_blocks_of_a_shared_system_prompt()
    {
        var (scheduler, fake) = New();
        Requests.AddAll(scheduler, fake, Requests.Text(1, [.. System, 5, 6, 7]));
        var log = StepLoop.Run(scheduler, fake.Execute);
        Requests.AddAll(scheduler, fake, Requests.Text(2, [.. System, 8, 9]));
        StepLoop.Run(scheduler, fake.Execute, log: log);
        Assert.Equal(0, log.Finished[new SequenceId(1)].CachedPromptTokens);
        Assert.Equal(20, log.Finished[new SequenceId(2)].CachedPromptTokens);   // 5 full blocks of 4
        var stats = scheduler.Stats;
        Assert.Equal(25 + 24, stats.PrefixCacheQueries);
        Assert.Equal(20, stats.PrefixCacheHits);
        Assert.Equal(25 + 4, stats.PromptTokensComputed);
        var first = fake.Batches.First(b => b.Sequences.Any(s => s.SequenceId == 2)).Sequences.Single();
        Assert.Equal(20, first.ContextLength);
    }

    [Fact]
    public void At_least_one_token_is_computed_when_the_whole_prompt_is_cached()
    {
        var (scheduler, fake) = New();
        var tokens = Requests.Tokens(16, 3);
        Requests.AddAll(scheduler, fake, Requests.Text(1, tokens, maxTokens: 1));
        var log = StepLoop.Run(scheduler, fake.Execute);
        Requests.AddAll(scheduler, fake, Requests.Text(2, tokens, maxTokens: 1));
        StepLoop.Run(scheduler, fake.Execute, log: log);
        Assert.Equal(12, log.Finished[new SequenceId(2)].CachedPromptTokens);
        var step = fake.Batches[^1].Sequences.Single();
        Assert.Equal((12, 4), (step.ContextLength, step.TokenIds.Length));
    }

    [Fact]
    public void Sequences_of_one_prompt_admitted_together_share_its_blocks()
    {
        var (scheduler, fake) = New();
        var tokens = Requests.Tokens(18, 4);
        Requests.AddAll(scheduler, fake, Requests.Text(1, tokens), Requests.Text(2, tokens), Requests.Text(3, tokens));
        int blocksAfterPrefill = 0;
        var log = StepLoop.Run(scheduler, fake.Execute, beforeStep: (step, _) =>
        {
            if (step == 0) blocksAfterPrefill = scheduler.TotalBlockCount - scheduler.FreeBlockCount;
        });
        Assert.Equal(0, log.Finished[new SequenceId(1)].CachedPromptTokens);
        Assert.Equal(16, log.Finished[new SequenceId(2)].CachedPromptTokens);
        Assert.Equal(16, log.Finished[new SequenceId(3)].CachedPromptTokens);
        Assert.Equal(5 + 1 + 1, blocksAfterPrefill);     // 4 shared full blocks, one partial block each
        Assert.Equal([(0, 18), (16, 2), (16, 2)], fake.Batches[0].Sequences.Select(s => (s.ContextLength, s.TokenIds.Length)));
    }

    [Fact]
    public void Without_prefix_caching_nothing_is_reused()
    {
        var (scheduler, fake) = New(prefixCaching: false);
        Requests.AddAll(scheduler, fake, Requests.Text(1, [.. System, 1]), Requests.Text(2, [.. System, 2]));
        var log = StepLoop.Run(scheduler, fake.Execute);
        Assert.All(log.Finished.Values, f => Assert.Equal(0, f.CachedPromptTokens));
        Assert.Equal(0, scheduler.Stats.PrefixCacheQueries);
        Assert.Equal(0, scheduler.Blocks.CachedCount);
    }

    [Fact]
    public void The_same_image_hits_and_a_different_image_with_the_same_token_ids_does_not()
    {
        var (scheduler, fake) = New();
        int[] before = Requests.Tokens(6, 5), after = Requests.Tokens(9, 6);
        Requests.AddAll(scheduler, fake, Requests.WithImages(1, before, [("cat", 3, 4)], after));
        var log = StepLoop.Run(scheduler, fake.Execute);
        Requests.AddAll(scheduler, fake, Requests.WithImages(2, before, [("cat", 3, 4)], after));
        StepLoop.Run(scheduler, fake.Execute, log: log);
        Requests.AddAll(scheduler, fake, Requests.WithImages(3, before, [("dog", 3, 4)], after));
        StepLoop.Run(scheduler, fake.Execute, log: log);
        // 6 + 12 + 9 = 27 prompt tokens: the same picture reuses 6 full blocks; another picture only the
        // first block, which holds text alone.
        Assert.Equal(24, log.Finished[new SequenceId(2)].CachedPromptTokens);
        Assert.Equal(4, log.Finished[new SequenceId(3)].CachedPromptTokens);
        Assert.Equal(1, fake.EncodeCounts[new("cat")]);     // the hit covered the whole image
        Assert.Equal(1, fake.EncodeCounts[new("dog")]);
        Assert.Equal(0, fake.CachedImageCount);
    }

    [Fact]
    public void A_preempted_sequence_finds_its_own_blocks_when_it_resumes()
    {
        var (scheduler, fake) = New(blocks: 10);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(16, 1), maxTokens: 16), Requests.Text(2, Requests.Tokens(16, 2), maxTokens: 12));
        var log = StepLoop.Run(scheduler, fake.Execute);
        Assert.True(scheduler.Stats.Preemptions > 0);
        var resumed = fake.Batches.SelectMany(b => b.Sequences).Where(s => s.SequenceId == 2).Skip(1).First(s => s.TokenIds.Length > 1);
        Assert.True(resumed.ContextLength > 0, "the resumed sequence should start after its cached blocks");
        Assert.Equal(fake.OutputOf(2), log.TokensOf(2));
    }
}
