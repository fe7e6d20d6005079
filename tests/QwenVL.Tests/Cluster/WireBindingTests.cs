using Akka.TestKit.Xunit2;
using QwenVL.Actors.Messages;
using QwenVL.Cluster.Messages;
using QwenVL.Cluster.Wire;
using QwenVL.Tests.Actors;
using Xunit;
using AkkaSerialization = Akka.Serialization.Serialization;

namespace QwenVL.Tests.Cluster;

/// <summary>config/akka.hocon binds the wire messages, and only them, to <see cref="WireSerializer"/>.</summary>
public class WireBindingTests() : TestKit(ActorTestConfig.Hocon)
{
    [Fact]
    public void The_configuration_picks_the_wire_serializer_for_route_messages_and_stream_events()
    {
        Assert.IsType<WireSerializer>(Sys.Serialization.FindSerializerFor(new RouteGenerate(WireSamples.ChatRequest)));
        Assert.IsType<WireSerializer>(Sys.Serialization.FindSerializerFor(WireSamples.Delta));
        Assert.All(WireSamples.All, m => Assert.IsType<WireSerializer>(Sys.Serialization.FindSerializerFor(m)));
        Assert.False(Sys.Settings.SerializeAllMessages);
    }

    [Fact]
    public void A_message_round_trips_through_the_systems_serialization_by_identifier_and_manifest()
    {
        foreach (var message in WireSamples.All)
        {
            var serializer = Sys.Serialization.FindSerializerFor(message);
            var bytes = serializer.ToBinary(message);
            var back = Sys.Serialization.Deserialize(bytes, serializer.Identifier, AkkaSerialization.ManifestFor(serializer, message));
            WireAssert.Same(message, back);
        }
        Assert.Equal(7001, Sys.Serialization.FindSerializerFor(new RouteRefused("x")).Identifier);
    }

    [Fact]
    public void Local_only_messages_stay_off_the_wire_serializer()
    {
        Assert.IsNotType<WireSerializer>(Sys.Serialization.FindSerializerFor(WireSamples.ChatRequest));
    }
}
