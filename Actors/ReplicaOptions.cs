using Microsoft.Extensions.Logging;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors;

/// <summary>How one replica is started: its scheduler's limits, its number in the process, where its status line goes.</summary>
/// <param name="Scheduler">the KV blocks, token budget and queue bounds of the replica's scheduler</param>
/// <param name="Index">the replica's number in its process: names its actors and heads its status line (Engine 000)</param>
/// <param name="StatusLog">where the periodic status line goes (the host's logging); Akka's log when null</param>
public sealed record ReplicaOptions(SchedulerConfig Scheduler, int Index = 0, ILogger? StatusLog = null);
