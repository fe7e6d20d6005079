using QwenVL.Runtime.Scheduling;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Scheduling;

/// <summary>
/// Many random sequences (text and images from a small pool, shared prefixes) through a small cache with
/// random aborts: the fake checks every chunk's tokens, positions, image rows and KV contents, and the
/// invariants are checked after every step.
/// </summary>
public class SchedulerStressTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void Random_workloads_keep_every_invariant_and_free_everything(int seed, bool prefixCaching)
    {
        var random = new Random(seed);
        int blocks = random.Next(10, 24);
        var config = new SchedulerConfig(blocks, 4, MaxModelLength: 96, MaxNumSeqs: random.Next(2, 9), MaxNumBatchedTokens: random.Next(8, 40),
            EnablePrefixCaching: prefixCaching, EncoderBudgetTokens: random.Next(4, 30));
        var scheduler = new Scheduler(config);
        var fake = new FakeExecutor(blocks, 4);
        var shared = Requests.Tokens(11, 99);
        var aborted = new HashSet<long>();
        int tooLong = 0;
        long next = 1;

        SequenceRequest NewRequest()
        {
            long id = next++;
            int[] before = random.Next(2) == 0 ? [.. shared.Take(random.Next(1, 12))] : Requests.Tokens(random.Next(1, 10), (int)id);
            int[] after = Requests.Tokens(random.Next(1, 8), (int)id + 1000);
            int maxTokens = random.Next(1, 30);
            if (random.Next(3) == 0) return Requests.Text(id, [.. before, .. after], maxTokens);
            var images = Enumerable.Range(0, random.Next(1, 3))
                .Select(_ => ("img" + random.Next(3), random.Next(1, 4), random.Next(1, 4))).ToArray();
            return Requests.WithImages(id, before, images, after, maxTokens);
        }

        void AddSome(int count)
        {
            for (int i = 0; i < count; i++)
            {
                var r = NewRequest();
                fake.Expect(r);
                var outcome = scheduler.Add(r);
                Assert.NotEqual(AddOutcome.QueueFull, outcome);
                if (outcome == AddOutcome.TooLong) tooLong++;
            }
        }

        AddSome(12);
        var log = StepLoop.Run(scheduler, fake.Execute, beforeStep: (step, batch) =>
        {
            if (step < 60 && random.Next(4) == 0) AddSome(random.Next(1, 4));
            if (random.Next(6) == 0)
            {
                long victim = random.NextInt64(1, next);
                if (scheduler.Abort(new SequenceId(victim))) aborted.Add(victim);
            }
        });

        Assert.Equal(scheduler.TotalBlockCount, scheduler.FreeBlockCount);
        Assert.Equal(0, fake.CachedImageCount);
        Assert.False(scheduler.HasWork);
        foreach (var (id, finished) in log.Finished)
        {
            Assert.DoesNotContain(id.Value, aborted);
            Assert.Equal(fake.OutputOf(id.Value), log.TokensOf(id.Value));
            Assert.Equal(finished.OutputTokens, log.TokensOf(id.Value).Length);
        }
        Assert.Equal(next - 1, log.Finished.Count + aborted.Count + tooLong);
        output.WriteLine($"{next - 1} sequences, {tooLong} too long, {aborted.Count} aborted, {log.Steps} steps, {scheduler.Stats}");
    }
}
