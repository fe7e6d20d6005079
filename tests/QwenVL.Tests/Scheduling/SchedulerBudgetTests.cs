using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Scheduling;

public class SchedulerBudgetTests
{
    private static (Scheduler, FakeExecutor) New(int blocks = 64, int blockSize = 4, int budget = 32, int maxSeqs = 8, bool prefixCaching = true)
    {
        var config = new SchedulerConfig(blocks, blockSize, MaxModelLength: 512, MaxNumSeqs: maxSeqs, MaxNumBatchedTokens: budget,
            EnablePrefixCaching: prefixCaching);
        return (new Scheduler(config), new FakeExecutor(blocks, blockSize));
    }

    [Fact]
    public void Steps_stay_within_the_token_budget_and_sequence_limit()
    {
        var (scheduler, fake) = New(blocks: 128, budget: 24, maxSeqs: 5);
        var random = new Random(7);
        var requests = Enumerable.Range(1, 20).Select(i => Requests.Text(i, Requests.Tokens(random.Next(1, 60), i), maxTokens: random.Next(1, 12))).ToArray();
        Requests.AddAll(scheduler, fake, requests);
        var log = StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal(20, log.Finished.Count);
        Assert.Contains(fake.Batches, b => b.TokenCount == 24);
        Assert.Contains(fake.Batches, b => b.Sequences.Count == 5);
        foreach (var r in requests)
            Assert.Equal(fake.OutputOf(r.Id.Value), log.TokensOf(r.Id.Value));
    }

    [Fact]
    public void A_long_prompt_is_prefilled_in_chunks_of_the_budget()
    {
        var (scheduler, fake) = New(budget: 32);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(100, 1), maxTokens: 3));
        var log = StepLoop.Run(scheduler, fake.Execute);
        var chunks = fake.Batches.Select(b => (b.Sequences[0].ContextLength, b.Sequences[0].TokenIds.Length, b.Sequences[0].Sampling != null)).ToArray();
        Assert.Equal([(0, 32, false), (32, 32, false), (64, 32, false), (96, 4, true), (100, 1, true), (101, 1, true)], chunks);
        Assert.Equal(3, log.TokensOf(1).Length);
        Assert.Equal(100, scheduler.Stats.PromptTokensComputed);
        Assert.Equal(3, scheduler.Stats.GenerationTokens);
    }

    [Fact]
    public void Running_decodes_get_a_token_every_step_while_a_long_prompt_prefills()
    {
        var (scheduler, fake) = New(blocks: 128, budget: 16);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(20, 1), maxTokens: 40), Requests.Text(3, Requests.Tokens(5, 3), maxTokens: 40));
        // Once both decode, a long prompt arrives.
        var log = StepLoop.Run(scheduler, fake.Execute, beforeStep: (step, _) =>
        {
            if (step == 3) Requests.AddAll(scheduler, fake, Requests.Text(2, Requests.Tokens(200, 2), maxTokens: 4));
        });
        int admitted2 = fake.Batches.FindIndex(b => b.Sequences.Any(s => s.SequenceId == 2));
        int done2 = fake.Batches.FindIndex(b => b.Sequences.Any(s => s.SequenceId == 2 && s.Sampling != null));
        Assert.True(done2 - admitted2 >= 12, "the long prompt should take many steps");
        for (int i = admitted2; i <= done2; i++)
        {
            Assert.Contains(fake.Batches[i].Sequences, s => s.SequenceId == 1 && s.TokenIds.Length == 1 && s.Sampling != null);
            Assert.Contains(fake.Batches[i].Sequences, s => s.SequenceId == 3 && s.TokenIds.Length == 1 && s.Sampling != null);
            if (i < done2) Assert.Equal(16, fake.Batches[i].TokenCount);
        }
        Assert.Equal(40, log.TokensOf(1).Length);
        Assert.Equal(4, log.TokensOf(2).Length);
    }

    [Fact]
    public void A_running_prefill_leaves_a_token_for_each_running_sequence_after_it()
    {
        var config = new SchedulerConfig(64, 4, MaxModelLength: 512, MaxNumSeqs: 8, MaxNumBatchedTokens: 32, EncoderBudgetTokens: 12);
        var scheduler = new Scheduler(config);
        var fake = new FakeExecutor(64, 4);
        // The encoder budget ends A's first chunk before its second image, leaving room to admit B behind it.
        var a = Requests.WithImages(1, Requests.Tokens(4, 1), [("x", 3, 4), ("y", 3, 4)], Requests.Tokens(100, 2), maxTokens: 2);
        Requests.AddAll(scheduler, fake, a, Requests.Text(2, Requests.Tokens(5, 3), maxTokens: 10));
        StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal([(1L, 16), (2L, 5)], fake.Batches[0].Sequences.Select(s => (s.SequenceId, s.TokenIds.Length)));
        Assert.Equal([(1L, 31), (2L, 1)], fake.Batches[1].Sequences.Select(s => (s.SequenceId, s.TokenIds.Length)));
        Assert.Equal(1, fake.EncodeCounts[new("y")]);
    }

    [Fact]
    public void Waiting_sequences_are_admitted_in_arrival_order_up_to_the_sequence_limit()
    {
        var (scheduler, fake) = New(budget: 64, maxSeqs: 2);
        Requests.AddAll(scheduler, fake, [.. Enumerable.Range(1, 4).Select(i => Requests.Text(i, Requests.Tokens(6, i), maxTokens: 2))]);
        StepLoop.Run(scheduler, fake.Execute);
        var order = fake.Batches.SelectMany(b => b.Sequences.Where(s => s.ContextLength == 0).Select(s => s.SequenceId)).ToArray();
        Assert.Equal([1L, 2, 3, 4], order);
        Assert.All(fake.Batches, b => Assert.True(b.Sequences.Count <= 2));
        Assert.Equal([1L, 2], fake.Batches[0].Sequences.Select(s => s.SequenceId));
    }

    [Fact]
    public void Decode_positions_continue_after_the_prompt_with_the_rope_delta()
    {
        var (scheduler, fake) = New(budget: 64);
        var request = Requests.WithImages(1, Requests.Tokens(3, 1), [("a", 3, 4)], Requests.Tokens(2, 2), maxTokens: 3);
        Assert.NotEqual(0, request.Prompt.RopeDelta);
        Requests.AddAll(scheduler, fake, request);
        StepLoop.Run(scheduler, fake.Execute);   // the fake checks every position
        var decode = fake.Batches[1].Sequences[0];
        int expected = request.Prompt.Tokens.Length + request.Prompt.RopeDelta;
        Assert.Equal([expected, expected, expected], decode.Positions);
    }

    [Fact]
    public void Sampling_context_carries_the_prompt_seed_stop_ids_and_output_so_far()
    {
        var (scheduler, fake) = New();
        var request = Requests.Text(5, Requests.Tokens(6, 1), maxTokens: 3, stop: [7, 8]) with { Seed = 99 };
        Requests.AddAll(scheduler, fake, request);
        StepLoop.Run(scheduler, fake.Execute);
        var last = fake.Batches[^1].Sequences[0].Sampling!.Value;
        Assert.Equal(request.Prompt.Tokens, last.PromptTokens.ToArray());
        Assert.Equal(fake.OutputOf(5).Take(2), last.OutputTokens.ToArray());
        Assert.Equal(99UL, last.Seed);
        Assert.Equal([7, 8], last.StopTokenIds.ToArray());
    }
}
