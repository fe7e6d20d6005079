using QwenVL.Runtime.Generation;

namespace QwenVL.Runtime.Scheduling;

/// <summary>
/// Where a sequence is in its life. Ordered: every finished state comes after <see cref="Preempted"/>,
/// so "is finished" is one comparison. A preempted sequence waits at the front of the queue to be
/// recomputed; it holds no blocks.
/// </summary>
public enum SequenceStatus
{
    Waiting,
    Running,
    Preempted,
    FinishedStopped,
    FinishedLength,
    FinishedAborted,
    FinishedError,
}

public static class SequenceStatuses
{
    public static bool IsFinished(this SequenceStatus status) => status >= SequenceStatus.FinishedStopped;

    /// <summary>The one table from finished states to finish reasons; null for a sequence still alive.</summary>
    public static FinishReason? ToFinishReason(this SequenceStatus status) => status switch
    {
        SequenceStatus.FinishedStopped => FinishReason.Stop,
        SequenceStatus.FinishedLength => FinishReason.Length,
        SequenceStatus.FinishedAborted => FinishReason.Abort,
        SequenceStatus.FinishedError => FinishReason.Error,
        _ => null,
    };
}
