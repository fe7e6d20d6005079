using QwenVL.Actors.Messages;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Vision;

namespace QwenVL.Actors;

/// <summary>The failures a request can end with before it runs, worded as vLLM words them.</summary>
internal static class RequestFailures
{
    public static CompletionFailed FromPreparation(Exception e) => Unwrap(e) switch
    {
        ImageInputException image => new CompletionFailed(FailureKind.InvalidRequest, image.Message, image.Field),
        // The edge compiles constraints while validating; this catches any that reach a replica without that check.
        StructuredOutputException constraint => new CompletionFailed(FailureKind.InvalidRequest,
            "the structured output constraint cannot be honoured: " + constraint.Message),
        ArgumentException argument => new CompletionFailed(FailureKind.InvalidRequest, argument.Message),
        OperationCanceledException => new CompletionFailed(FailureKind.InvalidRequest, "the request was cancelled"),
        var other => new CompletionFailed(FailureKind.Internal, "preparing the prompt failed: " + other.Message),
    };

    /// <summary>Null when the prompt and the requested completion fit the model's context.</summary>
    public static CompletionFailed? CheckLength(int promptTokens, int? maxTokens, int maxModelLength) =>
        ContextLength.Check(promptTokens, maxTokens, maxModelLength) is { } refused
            ? new CompletionFailed(FailureKind.PromptTooLong, refused.Message, refused.Param)
            : null;

    public static CompletionFailed Rejected(AddOutcome reason, int promptTokens, int maxModelLength) => reason switch
    {
        AddOutcome.QueueFull => new CompletionFailed(FailureKind.Overloaded, "The server is overloaded: too many requests are waiting. Try again later."),
        _ => new CompletionFailed(FailureKind.PromptTooLong, ContextLength.ExceedsKvCache(promptTokens, maxModelLength)),
    };

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerException!) : e;
}
