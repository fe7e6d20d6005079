using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Actors.Messages;

/// <summary>
/// What a request's stream carries, in order: <see cref="PromptAccepted"/> (or a <see cref="CompletionFailed"/>
/// when the request cannot start), then text deltas and finished choices interleaved, then exactly one
/// <see cref="CompletionFinished"/> or <see cref="CompletionFailed"/>.
/// </summary>
public abstract record CompletionEvent;

/// <summary>The prompt was tokenized, its images loaded and the scheduler took it.</summary>
public sealed record PromptAccepted(int PromptTokens) : CompletionEvent;

/// <summary>
/// New text of one choice and the tokens that completed it (their logprobs when asked); the text never
/// ends inside a UTF-8 character and never holds part of a stop string that might still complete.
/// </summary>
public sealed record TextDelta(int Choice, string Text, IReadOnlyList<SampledToken> Tokens) : CompletionEvent;

public sealed record ChoiceFinished(int Choice, FinishReason Reason, int CompletionTokens) : CompletionEvent;

public sealed record CompletionFinished(int PromptTokens, int CompletionTokens, int CachedPromptTokens) : CompletionEvent;

/// <summary>Why a request failed, which the HTTP edge maps to a status code.</summary>
public enum FailureKind { InvalidRequest, PromptTooLong, Overloaded, Timeout, Internal }

public sealed record CompletionFailed(FailureKind Kind, string Message, string? Param = null) : CompletionEvent;
