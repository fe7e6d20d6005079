using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Scheduling;

/// <summary>What a run of the scheduler produced, per sequence.</summary>
internal sealed class RunLog
{
    public Dictionary<SequenceId, List<int>> Tokens { get; } = new();
    public Dictionary<SequenceId, FinishedSequence> Finished { get; } = new();
    public int Steps { get; set; }

    public int[] TokensOf(long id) => Tokens.TryGetValue(new SequenceId(id), out var t) ? t.ToArray() : [];
}

/// <summary>Drives a scheduler against an executor, checking the step invariants after every step.</summary>
internal static class StepLoop
{
    /// <param name="beforeStep">called with the step number and the batch about to run; may abort or add sequences</param>
    public static RunLog Run(Scheduler scheduler, Func<StepBatch, StepResult> execute, int maxSteps = 10_000,
        Action<int, StepBatch>? beforeStep = null, RunLog? log = null)
    {
        log ??= new RunLog();
        while (scheduler.HasWork)
        {
            if (log.Steps >= maxSteps) throw new InvalidOperationException($"not done after {maxSteps} steps");
            var batch = scheduler.Schedule();
            Assert.NotNull(batch);
            CheckBatch(scheduler.Config, batch);
            beforeStep?.Invoke(log.Steps, batch);
            var outcome = scheduler.Update(batch, execute(batch));
            log.Steps++;
            foreach (var t in outcome.Tokens)
            {
                if (!log.Tokens.TryGetValue(t.Id, out var list)) log.Tokens[t.Id] = list = new List<int>();
                list.Add(t.Token.TokenId);
            }
            foreach (var f in outcome.Finished) log.Finished.Add(f.Id, f);
            CheckInvariants(scheduler);
        }
        Assert.Null(scheduler.Schedule());
        Assert.Equal(scheduler.TotalBlockCount, scheduler.FreeBlockCount);
        return log;
    }

    public static void CheckBatch(SchedulerConfig config, StepBatch batch)
    {
        Assert.True(batch.TokenCount <= config.MaxNumBatchedTokens, $"{batch.TokenCount} tokens over the budget of {config.MaxNumBatchedTokens}");
        Assert.True(batch.Sequences.Count <= config.MaxNumSeqs, $"{batch.Sequences.Count} sequences over the limit of {config.MaxNumSeqs}");
        Assert.Equal(batch.Sequences.Count, batch.Sequences.Select(s => s.SequenceId).Distinct().Count());
        Assert.All(batch.Sequences, s => Assert.NotEmpty(s.TokenIds));
    }

    public static void CheckInvariants(Scheduler scheduler)
    {
        scheduler.CheckInvariants();
        for (int b = 0; b < scheduler.TotalBlockCount; b++) Assert.True(scheduler.Blocks.RefCount(b) >= 0);
    }

    /// <summary>The reason each sequence finished with.</summary>
    public static FinishReason ReasonOf(this RunLog log, long id) => log.Finished[new SequenceId(id)].Reason;
}
