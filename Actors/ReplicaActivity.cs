using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors;

/// <summary>
/// What a replica's steps have done since it started, for the live view: counters that only grow (a reader makes an
/// interval by subtracting two of these), the shapes of the latest steps, and latency percentiles over a trailing
/// window (<see cref="SequenceLatencies.Window"/>). Built by the scheduler actor with each status reply.
/// </summary>
/// <param name="BudgetTokens">the token budgets of all steps added up</param>
/// <param name="StepSeconds">time the engine spent on steps</param>
/// <param name="RecentSteps">the latest steps, oldest first (an array nobody writes after sending)</param>
public sealed record ReplicaActivity(
    long Steps,
    long PrefillTokens,
    long DecodeSequences,
    long BudgetTokens,
    double StepSeconds,
    IReadOnlyList<StepBudgetUse> RecentSteps,
    LatencyPercentiles TimeToFirstToken,
    LatencyPercentiles TimePerOutputToken);

/// <summary>Nearest-rank percentiles in seconds over <paramref name="Count"/> samples; all zero when there were none.</summary>
public sealed record LatencyPercentiles(int Count, double P50, double P90, double P99)
{
    public static LatencyPercentiles None { get; } = new(0, 0, 0, 0);
}
