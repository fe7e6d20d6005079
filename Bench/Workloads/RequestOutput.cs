using QwenVL.Runtime.Generation;

namespace QwenVL.Bench.Workloads;

/// <summary>What one request of a workload produced: its text, its token ids in order, and why it ended.</summary>
public sealed record RequestOutput(string Text, IReadOnlyList<int> TokenIds, FinishReason Reason);
