using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Scheduling;

public class SchedulerFinishTests
{
    private static (Scheduler, FakeExecutor) New(int maxModelLength = 256) =>
        (new Scheduler(new SchedulerConfig(64, 4, maxModelLength, MaxNumSeqs: 8, MaxNumBatchedTokens: 64)), new FakeExecutor(64, 4));

    [Fact]
    public void A_stop_token_finishes_with_stop_and_is_reported()
    {
        var (scheduler, fake) = New();
        fake.NextToken = (_, k) => k == 3 ? 7 : 100 + k;
        Requests.AddAll(scheduler, fake, Requests.Text(1, [1, 2, 3], maxTokens: 10, stop: [7, 8]));
        var log = StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal([100, 101, 102, 7], log.TokensOf(1));
        var finished = log.Finished[new SequenceId(1)];
        Assert.Equal(new FinishedSequence(new SequenceId(1), FinishReason.Stop, 3, 4, 0), finished);
    }

    [Fact]
    public void A_stop_token_before_min_tokens_does_not_finish()
    {
        var (scheduler, fake) = New();
        fake.NextToken = (_, _) => 7;
        var p = new SamplingParams { Temperature = 0, MinTokens = 3 };
        Requests.AddAll(scheduler, fake, Requests.Text(1, [1, 2, 3], maxTokens: 10, stop: [7], p: p));
        var log = StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal([7, 7, 7], log.TokensOf(1));
        Assert.Equal(FinishReason.Stop, log.ReasonOf(1));
    }

    [Fact]
    public void Max_tokens_finishes_with_length()
    {
        var (scheduler, fake) = New();
        Requests.AddAll(scheduler, fake, Requests.Text(1, [1, 2, 3], maxTokens: 5));
        var log = StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal(5, log.TokensOf(1).Length);
        Assert.Equal(FinishReason.Length, log.ReasonOf(1));
        Assert.Equal(5, log.Finished[new SequenceId(1)].OutputTokens);
    }

    [Fact]
    public void Reaching_the_maximum_model_length_finishes_with_length()
    {
        var (scheduler, fake) = New(maxModelLength: 12);
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(9, 1), maxTokens: 3));
        var log = StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal(3, log.TokensOf(1).Length);
        Assert.Equal(FinishReason.Length, log.ReasonOf(1));
        Assert.Equal(11, fake.Batches[^1].Sequences[0].EndPosition);
    }

    [Fact]
    public void Statuses_are_ordered_with_the_finished_ones_last()
    {
        Assert.False(SequenceStatus.Waiting.IsFinished());
        Assert.False(SequenceStatus.Running.IsFinished());
        Assert.False(SequenceStatus.Preempted.IsFinished());
        Assert.True(SequenceStatus.FinishedStopped.IsFinished());
        Assert.True(SequenceStatus.FinishedLength.IsFinished());
        Assert.True(SequenceStatus.FinishedAborted.IsFinished());
        Assert.True(SequenceStatus.FinishedError.IsFinished());
        Assert.Null(SequenceStatus.Running.ToFinishReason());
        Assert.Equal(FinishReason.Stop, SequenceStatus.FinishedStopped.ToFinishReason());
        Assert.Equal(FinishReason.Length, SequenceStatus.FinishedLength.ToFinishReason());
        Assert.Equal(FinishReason.Abort, SequenceStatus.FinishedAborted.ToFinishReason());
        Assert.Equal(FinishReason.Error, SequenceStatus.FinishedError.ToFinishReason());
    }
}
