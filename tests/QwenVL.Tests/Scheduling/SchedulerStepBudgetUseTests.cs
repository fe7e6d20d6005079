using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Scheduling;

public class SchedulerStepBudgetUseTests
{
    private static (Scheduler, FakeExecutor) New(int blocks, int budget = 32) =>
        (new Scheduler(new SchedulerConfig(blocks, 4, MaxModelLength: 256, MaxNumSeqs: 8, MaxNumBatchedTokens: budget)), new FakeExecutor(blocks, 4));

    [Fact]
    public void LastStep_splits_the_budget_between_prefill_chunks_and_decodes()
    {
        var (scheduler, fake) = New(blocks: 64);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(10, 1), maxTokens: 4));
        var first = scheduler.Schedule()!;
        Assert.Equal(new StepBudgetUse(10, 0, 32), scheduler.LastStep);
        scheduler.Update(first, fake.Execute(first));
        Requests.AddAll(scheduler, fake, Requests.Text(2, Requests.Tokens(40, 2), maxTokens: 4));
        var second = scheduler.Schedule()!;
        // 1 decodes one token; 2 gets what is left of the budget as its first chunk.
        Assert.Equal(new StepBudgetUse(31, 1, 32), scheduler.LastStep);
        Assert.Equal(second.TokenCount, scheduler.LastStep.PrefillTokens + scheduler.LastStep.DecodeSequences);
    }

    [Fact]
    public void Preempted_counts_the_waiting_sequences_that_were_preempted_until_they_run_again()
    {
        var (scheduler, fake) = New(blocks: 6, budget: 64);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(4, 1), 6), Requests.Text(2, Requests.Tokens(8, 2), 6),
            Requests.Text(3, Requests.Tokens(8, 3), 6));
        var seen = new List<int>();
        StepLoop.Run(scheduler, fake.Execute, beforeStep: (_, _) => seen.Add(scheduler.Stats.Preempted));
        Assert.Contains(1, seen);
        Assert.Equal(0, scheduler.Stats.Preempted);
        Assert.True(scheduler.Stats.Preemptions >= 1);
    }

    [Fact]
    public void Aborting_a_preempted_sequence_takes_it_off_the_preempted_count()
    {
        var (scheduler, fake) = New(blocks: 6, budget: 64);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(4, 1), 6), Requests.Text(2, Requests.Tokens(8, 2), 6),
            Requests.Text(3, Requests.Tokens(8, 3), 6));
        var batch = scheduler.Schedule()!;
        scheduler.Update(batch, fake.Execute(batch));
        batch = scheduler.Schedule()!;
        Assert.Equal(1, scheduler.Stats.Preempted);
        scheduler.Abort(new SequenceId(3));
        Assert.Equal(0, scheduler.Stats.Preempted);
        scheduler.Update(batch, fake.Execute(batch));
    }
}
