using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Scheduling;

public class SchedulerPreemptionTests
{
    private static (Scheduler, FakeExecutor) New(int blocks, bool prefixCaching = true) =>
        (new Scheduler(new SchedulerConfig(blocks, 4, MaxModelLength: 256, MaxNumSeqs: 8, MaxNumBatchedTokens: 64, EnablePrefixCaching: prefixCaching)),
            new FakeExecutor(blocks, 4));

    private static void Step(Scheduler scheduler, FakeExecutor fake)
    {
        var batch = scheduler.Schedule()!;
        scheduler.Update(batch, fake.Execute(batch));
        StepLoop.CheckInvariants(scheduler);
    }

    [Fact]
    public void Schedule_preempts_the_newest_running_sequence_when_blocks_run_out()
    {
        var (scheduler, fake) = New(blocks: 6);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(4, 1), 6), Requests.Text(2, Requests.Tokens(8, 2), 6),
            Requests.Text(3, Requests.Tokens(8, 3), 6));
        var log = StepLoop.Run(scheduler, fake.Execute, beforeStep: (step, batch) =>
        {
            if (step == 0) Assert.Equal(1, scheduler.FreeBlockCount);   // 1 + 2 + 2 blocks taken
            if (step != 1) return;
            // 1 takes the last block; 2 needs one more, so 3, the newest, goes.
            Assert.Equal([1L, 2], batch.Sequences.Select(s => s.SequenceId));
            Assert.Equal(SequenceStatus.Preempted, scheduler.StatusOf(new SequenceId(3)));
            Assert.Equal(1, scheduler.Stats.Preemptions);
            Assert.Equal(1, scheduler.Stats.Waiting);
        });
        Assert.Equal(3, log.Finished.Count);
        Assert.All(log.Finished.Values, f => Assert.Equal(Runtime.Generation.FinishReason.Length, f.Reason));
        Assert.Equal(fake.OutputOf(3), log.TokensOf(3));
    }

    [Fact]
    public void A_sequence_that_is_itself_the_newest_preempts_itself_and_the_others_run()
    {
        var (scheduler, fake) = New(blocks: 4);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(7, 1), 2), Requests.Text(2, Requests.Tokens(8, 2), 6));
        Step(scheduler, fake);
        Assert.Equal(0, scheduler.FreeBlockCount);
        var batch = scheduler.Schedule()!;
        Assert.Equal([1L], batch.Sequences.Select(s => s.SequenceId));
        Assert.Equal(SequenceStatus.Preempted, scheduler.StatusOf(new SequenceId(2)));
        scheduler.Update(batch, fake.Execute(batch));
        StepLoop.Run(scheduler, fake.Execute);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_preempted_sequence_is_recomputed_with_its_output_and_continues_it(bool prefixCaching)
    {
        var (scheduler, fake) = New(blocks: 8, prefixCaching);
        var requests = Enumerable.Range(1, 4).Select(i => Requests.Text(i, Requests.Tokens(6 + i, i), maxTokens: 12)).ToArray();
        Requests.AddAll(scheduler, fake, requests);
        var log = StepLoop.Run(scheduler, fake.Execute);
        Assert.True(scheduler.Stats.Preemptions > 0);
        // The fake checked that each resumed chunk re-feeds prompt and output with the right positions;
        // every sampled token reached the log exactly once.
        foreach (var r in requests)
        {
            Assert.Equal(fake.OutputOf(r.Id.Value), log.TokensOf(r.Id.Value));
            Assert.Equal(12, log.TokensOf(r.Id.Value).Length);
        }
        // A resumed sequence samples with its whole output so far.
        Assert.Contains(fake.Batches, b => b.Sequences.Any(s => s.ContextLength == 0 && s.Sampling is { OutputTokens.Length: > 0 }));
    }

    [Fact]
    public void Nothing_is_admitted_in_a_step_that_preempted()
    {
        var (scheduler, fake) = New(blocks: 4);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(7, 1), 2), Requests.Text(2, Requests.Tokens(8, 2), 6));
        Step(scheduler, fake);
        Requests.AddAll(scheduler, fake, Requests.Text(3, Requests.Tokens(1, 3), 1));
        var batch = scheduler.Schedule()!;
        Assert.DoesNotContain(batch.Sequences, s => s.SequenceId == 3);
        scheduler.Update(batch, fake.Execute(batch));
        StepLoop.Run(scheduler, fake.Execute);
    }
}
