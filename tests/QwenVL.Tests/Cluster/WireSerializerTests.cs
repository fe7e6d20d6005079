using System.Runtime.Serialization;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Hyperion;
using Hyperion.Internal;
using QwenVL.Actors.Messages;
using QwenVL.Cluster.Messages;
using QwenVL.Cluster.Wire;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Text;
using Xunit;
using HyperionSerializer = Hyperion.Serializer;

namespace QwenVL.Tests.Cluster;

public class WireSerializerTests : TestKit
{
    /// <summary>Not on the allowlist, though bound to the wire serializer through its base type.</summary>
    private sealed record UnlistedEvent(string Note) : CompletionEvent;

    private sealed record Unlisted(string Note);

    /// <summary>A prompt kind the allowlist does not hold, smuggled inside an otherwise allowed request.</summary>
    private sealed record SmuggledPrompt(string Payload) : PromptSpec;

    private readonly WireSerializer _wire;

    public WireSerializerTests() => _wire = new WireSerializer((ExtendedActorSystem)Sys);

    [Fact]
    public void Every_allowlisted_message_round_trips_field_by_field()
    {
        foreach (var message in WireSamples.All)
        {
            var back = _wire.FromBinary(_wire.ToBinary(message), _wire.Manifest(message));
            WireAssert.Same(message, back);
        }
    }

    [Fact]
    public void The_samples_cover_every_manifest_and_build_their_lists_with_collection_expressions()
    {
        Assert.Equal(WireTypes.ByManifest.Keys.Order(), WireSamples.All.Select(_wire.Manifest).Distinct().Order());
        // Without compiler-built lists the round trip would not show that WireForm rebuilds them.
        var chat = (ChatPrompt)WireSamples.ChatRequest.Prompt;
        Assert.NotEqual(typeof(ChatMessage[]), chat.Messages.GetType());
        Assert.NotEqual(typeof(int[]), WireSamples.Sampling.StopTokenIds.GetType());
        Assert.NotEqual(typeof(LogitBiasEntry[]), WireSamples.Sampling.LogitBias.GetType());
        Assert.NotEqual(typeof(SampledToken[]), WireSamples.Delta.Tokens.GetType());
        Assert.NotEqual(typeof(StepBudgetUse[]), WireSamples.Status.Activity!.RecentSteps.GetType());
    }

    [Fact]
    public void A_type_outside_the_allowlist_is_refused_by_ToBinary_and_Manifest()
    {
        foreach (object message in new object[] { new Unlisted("x"), new UnlistedEvent("x"), WireSamples.ChatRequest })
        {
            var refused = Assert.Throws<SerializationException>(() => _wire.ToBinary(message));
            Assert.Contains(message.GetType().FullName!, refused.Message);
            Assert.Throws<SerializationException>(() => _wire.Manifest(message));
        }
    }

    [Fact]
    public void FromBinary_refuses_an_unknown_manifest()
    {
        var bytes = _wire.ToBinary(new RouteRefused("stopping"));
        foreach (var manifest in new[] { "route-refused-v2", "", typeof(RouteRefused).AssemblyQualifiedName! })
        {
            var refused = Assert.Throws<SerializationException>(() => _wire.FromBinary(bytes, manifest));
            Assert.Contains("unknown manifest", refused.Message);
        }
    }

    [Fact]
    public void FromBinary_refuses_an_allowed_payload_under_another_messages_manifest()
    {
        var bytes = _wire.ToBinary(new RouteRefused("stopping"));
        var refused = Assert.Throws<SerializationException>(() => _wire.FromBinary(bytes, "route-generate"));
        Assert.Contains(typeof(RouteRefused).FullName!, refused.Message);
    }

    [Fact]
    public void FromBinary_refuses_a_payload_naming_a_type_outside_the_allowlist()
    {
        // A sender that ignores the allowlist: plain Hyperion, its own unsafe-type checks off too.
        var plain = new HyperionSerializer(SerializerOptions.Default.WithDisallowUnsafeType(false));
        var cases = new (object Payload, string Refused)[]
        {
            (new RouteGenerate(WireSamples.ChatRequest with { Prompt = new SmuggledPrompt("x") }), nameof(SmuggledPrompt)),
            (new Unlisted("x"), nameof(Unlisted)),
            (new FileInfo("/etc/passwd"), "System.IO.FileInfo"),
            // Lists straight from collection expressions, not rebuilt by WireForm.
            (new RouteGenerate(WireSamples.ChatRequest), "z__ReadOnly"),
        };
        foreach (var (payload, name) in cases)
        {
            using var stream = new MemoryStream();
            plain.Serialize(payload, stream);
            var refused = Assert.Throws<SerializationException>(() => _wire.FromBinary(stream.ToArray(), "route-generate"));
            // Hyperion wraps the refusal once per enclosing object; the innermost cause names the refused type.
            var evil = Assert.Single(Causes(refused).OfType<EvilDeserializationException>());
            Assert.Contains(name, evil.BadTypeString);
        }
    }

    private static IEnumerable<Exception> Causes(Exception e)
    {
        for (Exception? cause = e; cause is not null; cause = cause.InnerException) yield return cause;
    }
}
