using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors;

/// <summary>
/// Sees a replica's scheduling as it happens, each call on the acting actor's thread with the actor system's clock
/// (virtual time in a simulation): what was submitted, each step sent, when a modelled step will end, what each step
/// produced. Simulations measure and check invariants through it; a serving replica has none.
/// </summary>
public interface IStepObserver
{
    void Submitted(IReadOnlyList<SequenceRequest> sequences, AddOutcome outcome, DateTimeOffset now);

    void StepSent(long stepId, StepBatch batch, DateTimeOffset now);

    /// <summary>The engine will answer step <paramref name="stepId"/> at <paramref name="due"/> (modelled executors only).</summary>
    void StepDue(long stepId, DateTimeOffset due);

    void StepCompleted(long stepId, StepBatch batch, StepOutcome outcome, DateTimeOffset now);
}
