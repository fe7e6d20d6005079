using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Scheduling;

public class EncoderCacheTests
{
    private static (Scheduler, FakeExecutor) New(int budget = 64, int encoderBudget = 1024, bool prefixCaching = false, int blocks = 64) =>
        (new Scheduler(new SchedulerConfig(blocks, 4, MaxModelLength: 256, MaxNumSeqs: 8, MaxNumBatchedTokens: budget,
            EnablePrefixCaching: prefixCaching, EncoderBudgetTokens: encoderBudget)), new FakeExecutor(blocks, 4));

    private static readonly ImageKey A = new("a");

    [Fact]
    public void An_image_is_encoded_once_for_sequences_that_prefill_it_in_the_same_steps()
    {
        var (scheduler, fake) = New(budget: 24);
        // Chunks of 24 tokens for three sequences: the image is needed across several steps.
        var requests = Enumerable.Range(1, 3).Select(i => Requests.WithImages(i, Requests.Tokens(5, 1), [("a", 4, 5)], Requests.Tokens(4, 2))).ToArray();
        Requests.AddAll(scheduler, fake, requests);
        var log = StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal(1, fake.EncodeCounts[A]);
        Assert.Equal(0, fake.CachedImageCount);
        Assert.Equal(0, scheduler.CachedImageEntries);
        // Released by the step that finished the last sequence's image tokens.
        int last = fake.Batches.FindLastIndex(b => b.Sequences.Any(s => s.Images != null));
        Assert.Equal([A], fake.Batches[last].Release!);
        Assert.Equal(3, log.Finished.Count);
    }

    [Fact]
    public void An_image_is_encoded_again_when_a_later_sequence_needs_it_after_its_release()
    {
        var (scheduler, fake) = New();
        Requests.AddAll(scheduler, fake, Requests.WithImages(1, [1, 2], [("a", 2, 2)], [3], maxTokens: 1));
        var log = StepLoop.Run(scheduler, fake.Execute);
        Requests.AddAll(scheduler, fake, Requests.WithImages(2, [1, 2], [("a", 2, 2)], [3], maxTokens: 1));
        StepLoop.Run(scheduler, fake.Execute, log: log);
        Assert.Equal(2, fake.EncodeCounts[A]);
        Assert.Equal(0, fake.CachedImageCount);
    }

    [Fact]
    public void A_chunk_ends_before_an_image_the_encoder_budget_cannot_take()
    {
        var (scheduler, fake) = New(budget: 64, encoderBudget: 10);
        Requests.AddAll(scheduler, fake,
            Requests.WithImages(1, Requests.Tokens(3, 1), [("a", 2, 4), ("b", 2, 2), ("c", 2, 2)], Requests.Tokens(3, 2), maxTokens: 2));
        StepLoop.Run(scheduler, fake.Execute);
        // a (8 tokens) fits, b (4) would make 12: the first chunk stops at b's first token.
        Assert.Equal(3 + 8, fake.Batches[0].Sequences[0].TokenIds.Length);
        Assert.Equal([A], fake.Batches[0].Encode!.Select(e => e.Key));
        Assert.Equal(["b", "c"], fake.Batches[1].Encode!.Select(e => e.Key.Hash));
        Assert.All(fake.Batches, b => Assert.True((b.Encode ?? []).Sum(e => e.Patches.TokenCount(2)) <= 10));
    }

    [Fact]
    public void An_image_larger_than_the_encoder_budget_is_encoded_alone()
    {
        var (scheduler, fake) = New(budget: 64, encoderBudget: 4);
        Requests.AddAll(scheduler, fake, Requests.WithImages(1, [1], [("a", 3, 4), ("b", 1, 2)], [2], maxTokens: 2));
        StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal([A], fake.Batches[0].Encode!.Select(e => e.Key));
        Assert.Equal(1 + 12, fake.Batches[0].TokenCount);
        Assert.Equal(0, fake.CachedImageCount);
    }

    [Fact]
    public void Preempting_a_sequence_inside_an_image_gives_its_reference_back()
    {
        var (scheduler, fake) = New(budget: 8, blocks: 8);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(20, 1), maxTokens: 10));
        int preemptedAt = -1;
        var log = StepLoop.Run(scheduler, fake.Execute, beforeStep: (step, batch) =>
        {
            // Sequence 2 gets the last two blocks and stops inside its image; then sequence 1 needs one more.
            if (step == 3) Requests.AddAll(scheduler, fake, Requests.WithImages(2, [1, 2], [("a", 4, 4)], [3], maxTokens: 2));
            if (preemptedAt < 0 && scheduler.StatusOf(new SequenceId(2)) == SequenceStatus.Preempted)
            {
                preemptedAt = step;
                Assert.Equal([A], batch.Release!);
            }
        });
        Assert.Equal(5, preemptedAt);
        // Each time it comes back inside the image, the image is encoded again.
        Assert.Equal(scheduler.Stats.Preemptions + 1, fake.EncodeCounts[A]);
        Assert.Equal(0, fake.CachedImageCount);
        Assert.Equal(2, log.TokensOf(2).Length);
    }
}
