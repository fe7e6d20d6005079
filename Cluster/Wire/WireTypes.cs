using System.Collections.Frozen;
using QwenVL.Actors;
using QwenVL.Actors.Messages;
using QwenVL.Cluster.Messages;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cluster.Wire;

/// <summary>
/// The allowlist of what crosses between nodes: every top-level wire message under a short manifest that stays the
/// same across builds and renames, and the types those messages may hold. Nothing outside this list is written or read.
/// </summary>
public static class WireTypes
{
    private static readonly (string Manifest, Type Type)[] Messages =
    [
        ("route-generate", typeof(RouteGenerate)),
        ("route-refused", typeof(RouteRefused)),
        ("replica-load", typeof(ReplicaLoadReport)),
        // Stream refs serialize each element on its own with the serializer bound to its type, so the events of a
        // routed request's stream are top-level messages here too.
        ("prompt-accepted", typeof(PromptAccepted)),
        ("text-delta", typeof(TextDelta)),
        ("choice-finished", typeof(ChoiceFinished)),
        ("completion-finished", typeof(CompletionFinished)),
        ("completion-failed", typeof(CompletionFailed)),
    ];

    /// <summary>
    /// Concrete types that travel inside the messages. Abstract bases (PromptSpec, ChatContentPart) are absent on
    /// purpose: the serializer writes the runtime type of each value, never its declared base.
    /// </summary>
    private static readonly Type[] Nested =
    [
        typeof(GenerateRequest), typeof(ChatPrompt), typeof(TextPrompt), typeof(TokenPrompt),
        typeof(ChatMessage), typeof(TextPart), typeof(ImagePart), typeof(ImageInput),
        typeof(SamplingParams), typeof(LogitBiasEntry), typeof(GrammarSpec), typeof(GrammarKind), typeof(SampledToken), typeof(TopLogprob),
        typeof(FinishReason), typeof(FailureKind), typeof(ReplicaStatus), typeof(SchedulerStats),
        typeof(ReplicaActivity), typeof(LatencyPercentiles), typeof(StepBudgetUse),
    ];

    /// <summary>
    /// Element types of the arrays the messages hold once <see cref="WireForm"/> has rebuilt them. ChatContentPart is
    /// here although it is abstract: a message's content is a ChatContentPart[] whose elements name their own types.
    /// Arrays of primitives and strings are written without a type name and need no entry.
    /// </summary>
    private static readonly Type[] ArrayElements =
        [typeof(ChatMessage), typeof(ChatContentPart), typeof(ImageInput), typeof(LogitBiasEntry), typeof(SampledToken), typeof(TopLogprob),
            typeof(StepBudgetUse)];

    private static readonly FrozenDictionary<string, Type> TypeByManifest = Messages.ToFrozenDictionary(m => m.Manifest, m => m.Type);

    private static readonly FrozenDictionary<Type, string> ManifestByType = Messages.ToFrozenDictionary(m => m.Type, m => m.Manifest);

    /// <summary>Every type a payload may name: the messages, what they hold and the arrays of it.</summary>
    public static IReadOnlyCollection<Type> Allowed { get; } =
        Messages.Select(m => m.Type).Concat(Nested).Concat(ArrayElements.Select(t => t.MakeArrayType())).ToFrozenSet();

    /// <summary>The top-level messages and their manifests.</summary>
    public static IReadOnlyDictionary<string, Type> ByManifest => TypeByManifest;

    /// <summary>The manifest of an allowlisted message type; false for any other type (subtypes included).</summary>
    public static bool TryGetManifest(Type type, out string manifest) => ManifestByType.TryGetValue(type, out manifest!);

    /// <summary>The message type a manifest names; false for a manifest no build of this server writes.</summary>
    public static bool TryGetType(string manifest, out Type type) => TypeByManifest.TryGetValue(manifest, out type!);
}
