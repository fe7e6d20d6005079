using QwenVL.Actors.Messages;
using QwenVL.Actors;
using QwenVL.Bench.Load;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Bench.Simulation;

/// <summary>
/// What a simulation measured, in virtual time, in `bench serve`'s terms (TTFT from arrival to the first token's step,
/// TPOT over the rest, inter-token gaps, end-to-end latency, throughput over the run), with the replica's state at the
/// end and the invariants it broke.
/// </summary>
public sealed class SimulationResult
{
    internal SimulationResult(IReadOnlyList<SimulatedArrival> arrivals, SimulationObserver observer, IReadOnlyList<RequestEnding?> endings,
        DateTimeOffset start, DateTimeOffset end, ReplicaStatus finalStatus, SchedulerConfig config)
    {
        Endings = endings;
        FinalStatus = finalStatus;
        Composition = observer.Composition;
        Violations = observer.Violations;
        VirtualSeconds = (end - start).TotalSeconds;
        var outcomes = arrivals.Select((_, i) => Outcome(i, observer.Timeline(i), endings[i])).ToArray();
        Run = new LoadRun(outcomes, VirtualSeconds);
        Report = BenchServeReport.From(Run);
        Config = config;
    }

    public BenchServeReport Report { get; }

    public LoadRun Run { get; }

    public IReadOnlyList<RequestEnding?> Endings { get; }

    public ReplicaStatus FinalStatus { get; }

    public StepComposition Composition { get; }

    public IReadOnlyList<string> Violations { get; }

    public double VirtualSeconds { get; }

    public SchedulerConfig Config { get; }

    public int Cancelled => Endings.Count(e => e is { Event: null });

    /// <summary>Every request ended: finished, failed, or given up by its client.</summary>
    public bool AllEnded => Endings.All(e => e != null);

    /// <summary>The invariants of the end state, as messages; empty when all hold.</summary>
    public IReadOnlyList<string> EndStateProblems()
    {
        var problems = new List<string>(Violations);
        int unended = Endings.Count(e => e == null);
        if (unended > 0) problems.Add($"{unended} requests never ended");
        var s = FinalStatus.Scheduler;
        if (s.Running != 0 || s.Waiting != 0)
            problems.Add($"the scheduler still holds {s.Running} running and {s.Waiting} waiting sequences");
        if (s.FreeBlocks != s.TotalBlocks)
            problems.Add($"{s.TotalBlocks - s.FreeBlocks} of {s.TotalBlocks} KV blocks did not return to the pool");
        return problems;
    }

    private static RequestOutcome Outcome(int index, RequestTimeline? timeline, RequestEnding? ending)
    {
        if (timeline == null || ending == null) return RequestOutcome.Failed(index, "never started or never ended", 0);
        double latency = (ending.At - timeline.Arrived).TotalSeconds;
        if (ending.Event is not CompletionFinished finished)
            return RequestOutcome.Failed(index, ending.Event is CompletionFailed f ? f.Message : "cancelled by its client", latency);
        var tokens = timeline.Tokens;
        double ttft = tokens.Count > 0 ? (tokens[0] - timeline.Arrived).TotalSeconds : latency;
        var gaps = new double[Math.Max(0, tokens.Count - 1)];
        for (int i = 1; i < tokens.Count; i++) gaps[i - 1] = (tokens[i] - tokens[i - 1]).TotalSeconds;
        double last = tokens.Count > 0 ? (tokens[^1] - timeline.Arrived).TotalSeconds : latency;
        return new RequestOutcome(index, true, null, ttft, gaps, last, finished.PromptTokens, finished.CompletionTokens);
    }
}
