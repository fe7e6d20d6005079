using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Scheduling;

public class SchedulerPeakBlocksTests
{
    private static (Scheduler, FakeExecutor) New() =>
        (new Scheduler(new SchedulerConfig(64, 4, MaxModelLength: 256, MaxNumSeqs: 8, MaxNumBatchedTokens: 64)), new FakeExecutor(64, 4));

    [Fact]
    public void Peak_blocks_in_use_is_the_high_water_mark_and_outlives_the_sequences()
    {
        var (scheduler, fake) = New();
        Assert.Equal(0, scheduler.Stats.PeakBlocksInUse);
        // 10 prompt tokens + 6 outputs, the last never fed back: 15 KV slots, 4 blocks of 4 each.
        Requests.AddAll(scheduler, fake, Requests.Text(1, Requests.Tokens(10, 1), maxTokens: 6), Requests.Text(2, Requests.Tokens(10, 2), maxTokens: 6));
        StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal(8, scheduler.Stats.PeakBlocksInUse);
        Assert.Equal(scheduler.TotalBlockCount, scheduler.FreeBlockCount);

        Requests.AddAll(scheduler, fake, Requests.Text(3, Requests.Tokens(10, 3), maxTokens: 6));
        StepLoop.Run(scheduler, fake.Execute);
        Assert.Equal(8, scheduler.Stats.PeakBlocksInUse);
    }
}
