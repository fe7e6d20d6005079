using QwenVL.Runtime.Execution;

namespace QwenVL.Actors.Messages;

/// <summary>Runs one step on the engine's executor.</summary>
public sealed record ExecuteStep(long StepId, StepBatch Batch);

public sealed record StepCompleted(long StepId, StepBatch Batch, StepResult Result, TimeSpan Duration);

public sealed record StepFailed(long StepId, string Reason);
