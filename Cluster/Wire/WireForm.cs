using QwenVL.Actors.Messages;
using QwenVL.Cluster.Messages;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Text;

namespace QwenVL.Cluster.Wire;

/// <summary>
/// Rebuilds a message so that every list it holds is a plain array before Hyperion writes it. Hyperion names the
/// runtime type of each value, and a list built by a collection expression is a compiler-private type of the assembly
/// that built it (<c>&lt;&gt;z__ReadOnlySingleElementList`1</c>, <c>List`1</c>, ...) which the receiving node's type
/// allowlist refuses; an array of an allowed type is the one list form both ends agree on.
/// </summary>
public static class WireForm
{
    /// <summary>The message with its lists as arrays; messages that hold no lists come back as they are.</summary>
    public static object Of(object message) => message switch
    {
        RouteGenerate route => route with { Request = Of(route.Request) },
        TextDelta delta => delta with { Tokens = Plain(delta.Tokens) },
        ReplicaLoadReport { Status.Activity: { } activity } report =>
            report with { Status = report.Status with { Activity = activity with { RecentSteps = Plain(activity.RecentSteps) } } },
        _ => message,
    };

    public static GenerateRequest Of(GenerateRequest request) =>
        request with { Prompt = Of(request.Prompt), Sampling = Of(request.Sampling) };

    public static SamplingParams Of(SamplingParams sampling) =>
        sampling with { StopTokenIds = Plain(sampling.StopTokenIds), Stop = Plain(sampling.Stop), LogitBias = Plain(sampling.LogitBias) };

    private static PromptSpec Of(PromptSpec prompt) => prompt switch
    {
        ChatPrompt chat => chat with { Messages = Plain(chat.Messages, Of), Images = Plain(chat.Images) },
        // TextPrompt holds a string and TokenPrompt an int[], which already travel as they are.
        _ => prompt,
    };

    private static ChatMessage Of(ChatMessage message) => message with { Content = Plain(message.Content) };

    /// <summary>
    /// The list as a T[] (itself when it already is one). An array of a subtype does not count: a TextPart[] held as a
    /// list of ChatContentPart would be written as TextPart[], a type the allowlist does not hold.
    /// </summary>
    private static T[] Plain<T>(IReadOnlyList<T> list) =>
        list is null ? null! : list.GetType() == typeof(T[]) ? (T[])list : [.. list];

    private static T[] Plain<T>(IReadOnlyList<T> list, Func<T, T> rebuild) =>
        list is null ? null! : list.Select(rebuild).ToArray();
}
