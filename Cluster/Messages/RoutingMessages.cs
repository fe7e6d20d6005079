using QwenVL.Actors;
using QwenVL.Actors.Messages;

namespace QwenVL.Cluster.Messages;

/// <summary>
/// Marks the messages that cross between nodes. Only these (and what they hold) are bound to the wire serializer;
/// anything else sent to another node fails to serialize rather than travel in some other form.
/// </summary>
public interface IWireMessage;

/// <summary>
/// A node asks a replica to run one validated request. Images travel as the request holds them (data URLs carry their
/// bytes); the replica loads and preprocesses them. The replica answers with the request's event stream (a stream
/// reference, so tokens flow back with backpressure) or with <see cref="RouteRefused"/>.
/// </summary>
public sealed record RouteGenerate(GenerateRequest Request) : IWireMessage;

/// <summary>The replica cannot take the request now (it is stopping); the sender may try another.</summary>
public sealed record RouteRefused(string Reason) : IWireMessage;

/// <summary>
/// A replica's load as it publishes it to every node, about four times a second. <paramref name="Sequence"/> grows with
/// each report so that a late report never replaces a newer one.
/// </summary>
/// <param name="Node">the reporting node's address (akka.tcp://system@host:port)</param>
/// <param name="Served">requests the replica has taken through routing since it started</param>
public sealed record ReplicaLoadReport(string Node, long Sequence, ReplicaStatus Status, long Served) : IWireMessage;
