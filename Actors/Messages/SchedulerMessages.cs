using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors.Messages;

/// <summary>A request's n sequences, admitted together or not at all.</summary>
public sealed record SubmitSequences(IReadOnlyList<SequenceRequest> Sequences);

public sealed record SequencesAccepted(IReadOnlyList<SequenceId> Ids);

public sealed record SequencesRejected(AddOutcome Reason);

/// <summary>Frees the sequences' blocks; tokens of a step already running for them are dropped.</summary>
public sealed record AbortSequences(IReadOnlyList<SequenceId> Ids);

/// <summary>The tokens one step produced for one request's sequences.</summary>
public sealed record TokensGenerated(IReadOnlyList<GeneratedToken> Tokens);

public sealed record SequenceFinished(FinishedSequence Sequence);

/// <summary>The engine failed a step; every sequence it held is gone.</summary>
public sealed record SequencesFailed(IReadOnlyList<SequenceId> Ids, string Reason);

public sealed class GetReplicaStatus
{
    public static GetReplicaStatus Instance { get; } = new();
    private GetReplicaStatus() { }
}

/// <summary>Sent by the scheduler to itself on a timer while busy: one status line.</summary>
internal sealed class LogStatusTick
{
    public static LogStatusTick Instance { get; } = new();
    private LogStatusTick() { }
}
