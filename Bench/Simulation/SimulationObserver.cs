using QwenVL.Actors;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Bench.Simulation;

/// <summary>
/// What a simulation sees of the replica: when each request's tokens came (virtual time), where the steps stand (so
/// the driver knows when the system has settled and when the next step ends), and the invariants every step must
/// keep — the token budget, the sequence cap, first-come-first-served admission. Called from the scheduler's and the
/// engine's threads; every member takes the lock.
/// </summary>
public sealed class SimulationObserver(int tokenBudget, int maxSequences) : IStepObserver
{
    private readonly object _gate = new();
    private readonly Dictionary<long, RequestTimeline> _bySequence = new();
    private readonly Dictionary<int, RequestTimeline> _byRequest = new();
    private readonly HashSet<long> _everScheduled = [];
    private readonly List<string> _violations = [];
    private long _lastSent, _lastCompleted, _dueStep, _lastScheduledSubmission = -1;
    private DateTimeOffset _due;
    private int _submissions;
    private bool _awaitingStep;

    /// <summary>Each request's sequences carry seed index × this; how the observer knows whose tokens it sees.</summary>
    public const int SeedStride = 256;

    public int Submissions { get { lock (_gate) return _submissions; } }

    public long StepsCompleted { get { lock (_gate) return _lastCompleted; } }

    public IReadOnlyList<string> Violations { get { lock (_gate) return _violations.ToArray(); } }

    public StepComposition Composition { get; } = new();

    /// <summary>
    /// Settled means: every step sent has either been answered or has a known end time, and step
    /// <paramref name="mustHaveCompleted"/> (one whose end the clock just reached) has been taken in by the scheduler.
    /// </summary>
    public bool IsSettled(long mustHaveCompleted, out DateTimeOffset? nextDue)
    {
        lock (_gate)
        {
            nextDue = _dueStep == _lastSent && _lastSent > _lastCompleted ? _due : null;
            if (_lastCompleted < mustHaveCompleted) return false;
            // A submission is told just before the scheduler sends the step it starts: until then nothing is idle.
            if (_awaitingStep && _lastSent == _lastCompleted) return false;
            return _lastSent == _lastCompleted || _dueStep == _lastSent;
        }
    }

    public long LastSentStep { get { lock (_gate) return _lastSent; } }

    /// <summary>Where the steps stand, for a message when the simulation does not settle.</summary>
    public string Describe()
    {
        lock (_gate)
            return $"{_submissions} submissions; steps: last sent {_lastSent}, last completed {_lastCompleted}, last with a known end {_dueStep} (at {_due:HH:mm:ss.fff})";
    }

    public void Arrived(int request, DateTimeOffset at)
    {
        lock (_gate) _byRequest[request] = new RequestTimeline(at);
    }

    public bool WasSubmitted(int request)
    {
        lock (_gate) return _byRequest.TryGetValue(request, out var t) && t.Submission > 0;
    }

    public RequestTimeline? Timeline(int request)
    {
        lock (_gate) return _byRequest.GetValueOrDefault(request);
    }

    public void Submitted(IReadOnlyList<SequenceRequest> sequences, AddOutcome outcome, DateTimeOffset now)
    {
        lock (_gate)
        {
            _submissions++;
            _awaitingStep |= outcome == AddOutcome.Accepted;
            foreach (var s in sequences)
            {
                int request = (int)(s.Seed / SeedStride);
                if (!_byRequest.TryGetValue(request, out var timeline)) continue;
                timeline.PromptTokens = s.Prompt.Tokens.Length;
                timeline.Submission = _submissions;
                if (outcome == AddOutcome.Accepted) _bySequence[s.Id.Value] = timeline;
            }
        }
    }

    public void StepSent(long stepId, StepBatch batch, DateTimeOffset now)
    {
        lock (_gate)
        {
            _lastSent = stepId;
            _awaitingStep = false;
            if (batch.TokenCount > tokenBudget) _violations.Add($"step {stepId}: {batch.TokenCount} tokens over the budget of {tokenBudget}");
            if (batch.Sequences.Count > maxSequences) _violations.Add($"step {stepId}: {batch.Sequences.Count} sequences over the cap of {maxSequences}");
            CheckFirstComeFirstServed(stepId, batch);
            Composition.Add(batch);
        }
    }

    public void StepDue(long stepId, DateTimeOffset due)
    {
        lock (_gate) (_dueStep, _due) = (stepId, due);
    }

    public void StepCompleted(long stepId, StepBatch batch, StepOutcome outcome, DateTimeOffset now)
    {
        lock (_gate)
        {
            _lastCompleted = stepId;
            foreach (var token in outcome.Tokens)
                if (_bySequence.TryGetValue(token.Id.Value, out var timeline)) timeline.TokenAt(now);
            foreach (var finished in outcome.Finished)
                if (_bySequence.TryGetValue(finished.Id.Value, out var timeline)) timeline.FinishedAt(now, finished);
        }
    }

    /// <summary>A request's first chunk must not run before an earlier submission's first chunk (no overtaking on admission).</summary>
    private void CheckFirstComeFirstServed(long stepId, StepBatch batch)
    {
        foreach (var s in batch.Sequences)
        {
            if (!_everScheduled.Add(s.SequenceId) || !_bySequence.TryGetValue(s.SequenceId, out var timeline)) continue;
            if (timeline.Submission < _lastScheduledSubmission)
                _violations.Add($"step {stepId}: submission {timeline.Submission} started after submission {_lastScheduledSubmission}");
            _lastScheduledSubmission = Math.Max(_lastScheduledSubmission, timeline.Submission);
        }
    }
}
