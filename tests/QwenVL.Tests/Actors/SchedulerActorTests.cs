using Akka.Actor;
using Akka.TestKit.Xunit2;
using QwenVL.Actors;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Actors;

/// <summary>The scheduler actor with a probe standing in for the engine: what it sends, step by step.</summary>
public class SchedulerActorTests() : TestKit(ActorTestConfig.Hocon)
{
    private const int Budget = 32;

    private sealed class Forward : ReceiveActor
    {
        public Forward(IActorRef target) => ReceiveAny(target.Forward);
    }

    private (IActorRef Scheduler, Akka.TestKit.TestProbe Engine) Start(int blocks = 64)
    {
        var engine = CreateTestProbe();
        var config = new SchedulerConfig(blocks, 16, 4096, MaxNumSeqs: 8, MaxNumBatchedTokens: Budget);
        var scheduler = Sys.ActorOf(SchedulerActor.Props(new Scheduler(config), Props.Create(() => new Forward(engine.Ref))));
        return (scheduler, engine);
    }

    private static SequenceRequest Sequence(long id, int promptLength, int maxTokens) =>
        new(new SequenceId(id), PromptInput.FromText(Enumerable.Range(100, promptLength).ToArray()), [],
            new SamplingParams { Temperature = 0 }, 1, maxTokens, []);

    /// <summary>Answers one step as the engine would, with token 7 for every sequence that samples.</summary>
    private static StepCompleted Answer(ExecuteStep step) =>
        new(step.StepId, step.Batch, new StepResult(step.Batch.Sequences
            .Select(s => s.Sampling == null ? (SampledToken?)null : new SampledToken(7, -0.1f, null)).ToArray()), TimeSpan.Zero);

    [Fact]
    public void Long_prompt_is_chunked_within_the_budget_while_a_running_decode_gets_a_token_every_step()
    {
        var (scheduler, engine) = Start();
        scheduler.Tell(new SubmitSequences([Sequence(1, 10, 50)]));
        ExpectMsg<SequencesAccepted>();
        var first = engine.ExpectMsg<ExecuteStep>();
        scheduler.Tell(Answer(first), engine.Ref);
        ExpectMsg<TokensGenerated>();

        var decodeOnly = engine.ExpectMsg<ExecuteStep>();
        scheduler.Tell(new SubmitSequences([Sequence(2, 100, 5)]));
        ExpectMsg<SequencesAccepted>();
        scheduler.Tell(Answer(decodeOnly), engine.Ref);
        ExpectMsg<TokensGenerated>();
        for (int step = 0; step < 4; step++)
        {
            var m = engine.ExpectMsg<ExecuteStep>();
            Assert.True(m.Batch.TokenCount <= Budget, $"step of {m.Batch.TokenCount} tokens");
            Assert.Contains(m.Batch.Sequences, s => s.SequenceId == 1 && s.TokenIds.Length == 1);
            if (step < 3) Assert.Contains(m.Batch.Sequences, s => s.SequenceId == 2 && s.TokenIds.Length > 1);
            scheduler.Tell(Answer(m), engine.Ref);
            FishForMessage(o => o is TokensGenerated);
        }
    }

    [Fact]
    public void Aborted_and_failed_sequences_return_every_block()
    {
        var (scheduler, engine) = Start(blocks: 32);
        scheduler.Tell(new SubmitSequences([Sequence(1, 40, 10), Sequence(2, 20, 10)]));
        ExpectMsg<SequencesAccepted>();
        var step = engine.ExpectMsg<ExecuteStep>();
        scheduler.Tell(new AbortSequences([new SequenceId(2)]));
        scheduler.Tell(new StepFailed(step.StepId, "device lost"), engine.Ref);
        var failed = ExpectMsg<SequencesFailed>();
        Assert.Equal([new SequenceId(1)], failed.Ids);
        scheduler.Tell(GetReplicaStatus.Instance);
        var status = ExpectMsg<ReplicaStatus>().Scheduler;
        Assert.Equal(32, status.TotalBlocks);
        Assert.Equal(32, status.FreeBlocks);
    }

    [Fact]
    public void A_request_actor_that_dies_has_its_sequences_aborted()
    {
        var (scheduler, engine) = Start(blocks: 32);
        var owner = CreateTestProbe();
        scheduler.Tell(new SubmitSequences([Sequence(1, 20, 100)]), owner.Ref);
        owner.ExpectMsg<SequencesAccepted>();
        var step = engine.ExpectMsg<ExecuteStep>();
        Sys.Stop(owner.Ref);
        scheduler.Tell(Answer(step), engine.Ref);
        AwaitAssert(() =>
        {
            scheduler.Tell(GetReplicaStatus.Instance);
            var status = ExpectMsg<ReplicaStatus>().Scheduler;
            Assert.Equal(status.TotalBlocks, status.FreeBlocks);
            Assert.Equal(0, status.Running);
        });
    }

    [Fact]
    public void The_status_carries_the_completed_steps_and_the_sequences_latencies()
    {
        var (scheduler, engine) = Start();
        scheduler.Tell(new SubmitSequences([Sequence(1, 10, 3)]));
        ExpectMsg<SequencesAccepted>();
        for (int step = 0; step < 3; step++)
        {
            var m = engine.ExpectMsg<ExecuteStep>();
            scheduler.Tell(Answer(m) with { Duration = TimeSpan.FromMilliseconds(10) }, engine.Ref);
        }
        FishForMessage(o => o is SequenceFinished);
        scheduler.Tell(GetReplicaStatus.Instance);
        var activity = FishForMessage<ReplicaStatus>(_ => true).Activity!;
        Assert.Equal(3, activity.Steps);
        Assert.Equal(10, activity.PrefillTokens);
        Assert.Equal(2, activity.DecodeSequences);
        Assert.Equal(3 * Budget, activity.BudgetTokens);
        Assert.Equal(0.03, activity.StepSeconds, 9);
        Assert.Equal([new StepBudgetUse(10, 0, Budget), new StepBudgetUse(0, 1, Budget), new StepBudgetUse(0, 1, Budget)], activity.RecentSteps);
        Assert.Equal(1, activity.TimeToFirstToken.Count);
        Assert.Equal(1, activity.TimePerOutputToken.Count);
    }
}
