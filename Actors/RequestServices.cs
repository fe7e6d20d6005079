using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;

namespace QwenVL.Actors;

/// <summary>Hands out sequence ids unique within the process (shared by every request actor).</summary>
public sealed class SequenceIdSource
{
    private long _next;

    public SequenceId Next() => new(Interlocked.Increment(ref _next));
}

/// <summary>What every request actor of a replica needs, shared and immutable (or thread-safe).</summary>
public sealed record RequestServices(
    PromptPreparer Prompts,
    QwenTokenizer Tokenizer,
    IReadOnlyList<int> EosTokenIds,
    int MaxModelLength,
    SequenceIdSource SequenceIds,
    long? DefaultSeed = null,
    TimeSpan? RequestTimeout = null)
{
    /// <summary>The replica's compiled output constraints; built from the tokenizer on the first constrained request.</summary>
    public StructuredOutputs Grammars { get; init; } = new(Tokenizer);
}
