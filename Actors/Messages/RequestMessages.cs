using QwenVL.Runtime.Generation;

namespace QwenVL.Actors.Messages;

/// <summary>The request actor's own messages: results of work it started, piped back to itself.</summary>
internal sealed record PromptPrepared(PreparedPrompt Prompt);

internal sealed record PreparationFailed(CompletionFailed Failure);

internal sealed record OfferCompleted(bool Enqueued);

/// <summary>The client stopped reading: the stream was cancelled downstream.</summary>
internal sealed class StreamClosed
{
    public static StreamClosed Instance { get; } = new();
    private StreamClosed() { }
}
