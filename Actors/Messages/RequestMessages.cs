using Akka.Event;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Structured;

namespace QwenVL.Actors.Messages;

/// <summary>The request actor's own messages: results of work it started, piped back to itself.</summary>
/// <param name="Grammar">the request's compiled constraint, or null when it has none</param>
internal sealed record PromptPrepared(PreparedPrompt Prompt, CompiledGrammar? Grammar);

internal sealed record PreparationFailed(CompletionFailed Failure);

internal sealed record OfferCompleted(bool Enqueued);

/// <summary>
/// The stream ended: the client stopped reading, or the actor completed it itself and has stopped
/// (then the message finds no one, which is expected and not worth a dead-letter line).
/// </summary>
internal sealed class StreamClosed : IDeadLetterSuppression
{
    public static StreamClosed Instance { get; } = new();
    private StreamClosed() { }
}

/// <summary>The request ran past the server's request timeout.</summary>
internal sealed class RequestTimedOut
{
    public static RequestTimedOut Instance { get; } = new();
    private RequestTimedOut() { }
}
