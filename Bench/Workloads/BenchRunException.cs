namespace QwenVL.Bench.Workloads;

/// <summary>A request failed or ended short, so the figures would not measure the workload; the run stops with the reason (exit code 1).</summary>
public sealed class BenchRunException(string message) : Exception(message);
