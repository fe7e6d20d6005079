using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Hyperion;
using HyperionSerializer = Hyperion.Serializer;

namespace QwenVL.Cluster.Wire;

/// <summary>
/// Akka's serializer for the messages between nodes (bound in config/akka.hocon): Hyperion over an explicit allowlist,
/// <see cref="WireTypes"/>. Only allowlisted messages are written; a payload is read only when its manifest names an
/// allowlisted message, every type inside it passes <see cref="WireTypeFilter"/> and the result is the manifest's type.
/// </summary>
public sealed class WireSerializer : SerializerWithStringManifest
{
    /// <summary>One instance for all calls: Hyperion's serializer is thread-safe and caches a compiled reader/writer per type.</summary>
    private readonly HyperionSerializer _hyperion = new(SerializerOptions.Default
        .WithDisallowUnsafeType(true)
        .WithTypeFilter(WireTypeFilter.Instance));

    /// <summary>Called by Akka, by reflection, for the serializer named in the configuration.</summary>
    public WireSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    public override int Identifier => 7001;

    public override string Manifest(object o) =>
        WireTypes.TryGetManifest(o.GetType(), out var manifest) ? manifest : throw NotAllowed(o.GetType());

    public override byte[] ToBinary(object obj)
    {
        if (!WireTypes.TryGetManifest(obj.GetType(), out _)) throw NotAllowed(obj.GetType());
        using var stream = new MemoryStream();
        _hyperion.Serialize(WireForm.Of(obj), stream);
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!WireTypes.TryGetType(manifest, out var expected))
            throw new SerializationException($"Refusing a wire payload with unknown manifest '{manifest}'.");
        object? message;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            message = _hyperion.Deserialize<object>(stream);
        }
        catch (Exception e)
        {
            // Hyperion's own exceptions (a type the filter refused, a truncated payload) surface as what Akka expects
            // from a serializer, with the manifest that was being read.
            throw new SerializationException($"Refusing a '{manifest}' wire payload: {e.Message}", e);
        }
        // The filter lets through any allowed type at the root; a payload must hold the message its manifest names.
        if (message?.GetType() != expected)
            throw new SerializationException(
                $"Refusing a '{manifest}' wire payload that holds {message?.GetType().FullName ?? "null"}, not {expected.FullName}.");
        return message;
    }

    private static SerializationException NotAllowed(Type type) =>
        new($"{type.FullName} is not a wire message: only the types in {nameof(WireTypes)} travel between nodes.");
}
