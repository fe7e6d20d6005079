using QwenVL.Actors.Messages;

namespace QwenVL.Bench.Simulation;

/// <summary>
/// A request of a simulated workload: when it arrives (seconds from the start), how many pixels its images hold (what
/// preparing it costs depends on them) and, optionally, when its client gives up.
/// </summary>
public sealed record SimulatedArrival(double AtSeconds, GenerateRequest Request, double? CancelAfterSeconds = null, long ImagePixels = 0);
