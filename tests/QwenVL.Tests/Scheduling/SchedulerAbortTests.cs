using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Scheduling;

public class SchedulerAbortTests
{
    private static (Scheduler, FakeExecutor) New(int blocks = 64, int budget = 16, int maxWaiting = 4096) =>
        (new Scheduler(new SchedulerConfig(blocks, 4, MaxModelLength: 256, MaxNumSeqs: 8, MaxNumBatchedTokens: budget, MaxWaiting: maxWaiting)),
            new FakeExecutor(blocks, 4));

    private static void Step(Scheduler scheduler, FakeExecutor fake)
    {
        var batch = scheduler.Schedule()!;
        scheduler.Update(batch, fake.Execute(batch));
        StepLoop.CheckInvariants(scheduler);
    }

    [Fact]
    public void Abort_removes_a_waiting_sequence()
    {
        var (scheduler, fake) = New();
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(10, 1)));
        Assert.True(scheduler.Abort(new SequenceId(1)));
        Assert.False(scheduler.HasWork);
        Assert.Null(scheduler.Schedule());
        Assert.Null(scheduler.StatusOf(new SequenceId(1)));
    }

    [Fact]
    public void Abort_frees_the_blocks_of_a_sequence_mid_prefill()
    {
        var (scheduler, fake) = New();
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(40, 1)), Requests.Text(2, Requests.Tokens(3, 2)));
        Step(scheduler, fake);
        Assert.Equal(64 - 4, scheduler.FreeBlockCount);
        Assert.True(scheduler.Abort(new SequenceId(1)));
        Assert.Equal(64, scheduler.FreeBlockCount);
        var log = StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal(8, log.TokensOf(2).Length);
    }

    [Fact]
    public void Abort_frees_the_blocks_of_a_decoding_sequence()
    {
        var (scheduler, fake) = New();
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(10, 1)));
        Step(scheduler, fake);
        Step(scheduler, fake);
        Assert.Equal(SequenceStatus.Running, scheduler.StatusOf(new SequenceId(1)));
        Assert.True(scheduler.Abort(new SequenceId(1)));
        Assert.Equal(scheduler.TotalBlockCount, scheduler.FreeBlockCount);
        Assert.False(scheduler.HasWork);
    }

    [Fact]
    public void Abort_while_a_step_runs_drops_the_token_it_sampled()
    {
        var (scheduler, fake) = New(budget: 32);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(10, 1)), Requests.Text(2, Requests.Tokens(10, 2)));
        var batch = scheduler.Schedule()!;
        Assert.True(scheduler.Abort(new SequenceId(1)));
        var outcome = scheduler.Update(batch, fake.Execute(batch));
        Assert.Equal([new SequenceId(2)], outcome.Tokens.Select(t => t.Id));
        StepLoop.Run(scheduler, fake.Execute);
    }

    [Fact]
    public void Abort_of_an_unknown_or_finished_sequence_returns_false()
    {
        var (scheduler, fake) = New();
        Assert.False(scheduler.Abort(new SequenceId(9)));
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(3, 1), maxTokens: 1));
        StepLoop.Run(scheduler, fake.Execute);
        Assert.False(scheduler.Abort(new SequenceId(1)));
    }

    [Fact]
    public void Abort_inside_an_image_releases_it_with_the_next_step()
    {
        var (scheduler, fake) = New(budget: 8);
        Requests.AddAll(scheduler, fake, Requests.WithImages(1, Requests.Tokens(2, 1), [("a", 4, 4)], Requests.Tokens(3, 2)));
        Step(scheduler, fake);                        // tokens 0..8: the image is encoded, half prefilled
        Assert.Equal(1, fake.CachedImageCount);
        Assert.True(scheduler.Abort(new SequenceId(1)));
        Assert.True(scheduler.HasWork);               // the release still has to reach the executor
        var batch = scheduler.Schedule()!;
        Assert.Empty(batch.Sequences);
        Assert.Equal([new("a")], batch.Release!);
        scheduler.Update(batch, fake.Execute(batch));
        Assert.Equal(0, fake.CachedImageCount);
        Assert.False(scheduler.HasWork);
    }

    [Fact]
    public void FailAll_finishes_every_sequence_and_frees_everything()
    {
        var (scheduler, fake) = New(budget: 16);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(5, 1), 20), Requests.Text(2, Requests.Tokens(30, 2)),
            Requests.WithImages(3, Requests.Tokens(2, 3), [("a", 2, 4)], Requests.Tokens(2, 4)), Requests.Text(4, Requests.Tokens(5, 5)));
        Step(scheduler, fake);
        Step(scheduler, fake);
        var batch = scheduler.Schedule()!;            // the step that fails
        Assert.NotEmpty(batch.Sequences);
        var failed = scheduler.FailAll("device lost");
        Assert.Equal([1L, 2, 3, 4], failed.Select(id => id.Value));
        Assert.Equal("device lost", scheduler.LastFailure);
        Assert.Equal(scheduler.TotalBlockCount, scheduler.FreeBlockCount);
        Assert.Equal(0, scheduler.Blocks.CachedCount);
        Assert.All(failed, id => Assert.Null(scheduler.StatusOf(id)));
        StepLoop.CheckInvariants(scheduler);
        StepLoop.Run(scheduler, fake.Execute);        // hands the image release over
        Assert.Equal(0, fake.CachedImageCount);
        // Blocks the failed step was writing are not trusted: the same prompt computes again.
        var again = Requests.Text(5, Requests.Tokens(30, 2));
        Requests.AddAll(scheduler, fake, again);
        var log = StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal(0, log.Finished[again.Id].CachedPromptTokens);
    }

    [Fact]
    public void Add_answers_QueueFull_when_the_waiting_queue_is_full()
    {
        var (scheduler, _) = New(maxWaiting: 2);
        Assert.Equal(AddOutcome.Accepted, scheduler.Add(Requests.Text(1, [1, 2])));
        Assert.Equal(AddOutcome.Accepted, scheduler.Add(Requests.Text(2, [1, 2])));
        Assert.Equal(AddOutcome.QueueFull, scheduler.Add(Requests.Text(3, [1, 2])));
        Assert.Equal(2, scheduler.Stats.Waiting);
    }

    [Fact]
    public void Add_answers_TooLong_for_a_prompt_at_the_maximum_length()
    {
        var (scheduler, _) = New();
        Assert.Equal(AddOutcome.TooLong, scheduler.Add(Requests.Text(1, Requests.Tokens(256, 1), maxTokens: 1)));
        Assert.Equal(AddOutcome.Accepted, scheduler.Add(Requests.Text(2, Requests.Tokens(255, 1), maxTokens: 1)));
    }

    [Fact]
    public void Add_answers_TooLong_when_prompt_and_output_need_more_blocks_than_the_cache()
    {
        var (scheduler, _) = New(blocks: 4);           // 16 KV slots
        Assert.Equal(AddOutcome.TooLong, scheduler.Add(Requests.Text(1, Requests.Tokens(10, 1), maxTokens: 8)));
        // The last sampled token is never fed back: 8 tokens need 10 + 7 = 17 slots, 7 tokens need 16.
        Assert.Equal(AddOutcome.Accepted, scheduler.Add(Requests.Text(2, Requests.Tokens(10, 1), maxTokens: 7)));
        Assert.True(scheduler.HasWork);
    }
}
