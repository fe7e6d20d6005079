using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors;

/// <summary>
/// Counts the steps a replica completed — how many, what each spent its token budget on, how long they took — and
/// keeps the shapes of the most recent ones. Counters only ever grow, so any number of readers can make their own
/// intervals by subtracting two snapshots. Owned by the scheduler actor, like its <see cref="Scheduler"/>: one thread
/// writes and reads it, and others see it only through the status the actor replies with. Nothing is allocated per step.
/// </summary>
public sealed class StepStatistics
{
    /// <summary>How many recent step shapes are kept: enough for a bar chart of the latest steps.</summary>
    public const int RecentCapacity = 64;

    private readonly StepBudgetUse[] _recent = new StepBudgetUse[RecentCapacity];
    private int _next, _recentCount;

    public long Steps { get; private set; }
    public long PrefillTokens { get; private set; }
    public long DecodeSequences { get; private set; }

    /// <summary>The budgets of all steps added up: the tokens they could have computed.</summary>
    public long BudgetTokens { get; private set; }

    /// <summary>Time the engine spent on the steps (the modelled time in a simulation).</summary>
    public double StepSeconds { get; private set; }

    public void StepCompleted(StepBudgetUse shape, TimeSpan duration)
    {
        Steps++;
        PrefillTokens += shape.PrefillTokens;
        DecodeSequences += shape.DecodeSequences;
        BudgetTokens += shape.Budget;
        StepSeconds += duration.TotalSeconds;
        _recent[_next] = shape;
        _next = (_next + 1) % RecentCapacity;
        _recentCount = Math.Min(_recentCount + 1, RecentCapacity);
    }

    /// <summary>The latest steps' shapes, oldest first (a new array: it goes out in a status message).</summary>
    public StepBudgetUse[] RecentSteps()
    {
        var steps = new StepBudgetUse[_recentCount];
        int first = (_next - _recentCount + RecentCapacity) % RecentCapacity;
        for (int i = 0; i < steps.Length; i++) steps[i] = _recent[(first + i) % RecentCapacity];
        return steps;
    }
}
