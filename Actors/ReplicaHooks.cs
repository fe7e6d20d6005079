using QwenVL.Runtime.Execution;

namespace QwenVL.Actors;

/// <summary>
/// Ways into a replica from outside its serving path, handed to <see cref="Replica.Start"/>: a simulation watches the
/// steps through <see cref="Observer"/> and lets modelled time pass through <see cref="StepDurations"/>. A serving
/// replica has neither (<see cref="None"/>): its engine answers as soon as the device is done.
/// </summary>
/// <param name="Observer">sees submissions and steps as they happen</param>
/// <param name="StepDurations">how long each step takes: the engine answers that much later on the actor system's
/// scheduler (virtual time in a simulation) instead of at once</param>
public sealed record ReplicaHooks(IStepObserver? Observer = null, IModelledStepDuration? StepDurations = null)
{
    public static ReplicaHooks None { get; } = new();
}
