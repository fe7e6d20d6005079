namespace QwenVL.Runtime.Hub;

/// <summary>A model that cannot be resolved or downloaded; the message says what went wrong and what to do.</summary>
public sealed class HubException(HubFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public HubFailure Failure { get; } = failure;
}
