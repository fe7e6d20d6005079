namespace QwenVL.Bench.Load;

/// <summary>One request of a benchmark: its place in the run and its chat.completions body (UTF-8 JSON, ready to send).</summary>
public sealed record BenchRequest(int Index, bool HasImage, byte[] Body);
