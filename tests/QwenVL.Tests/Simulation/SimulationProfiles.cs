using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Sampling;
using QwenVL.Bench.CostModel;

namespace QwenVL.Tests.Simulation;

/// <summary>Profiles and a model shape made up for the simulation tests, with every cost distinct so a misplaced term shows.</summary>
internal static class SimulationProfiles
{
    public static readonly StepCostProfile Known = new()
    {
        Model = "made-up",
        Device = "test",
        Executor = "cuda",
        BlockSize = 16,
        MeasuredAt = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
        StepOverheadMs = 2,
        PrefillMsPerToken = 0.1,
        PrefillMsPerTokenPer1kContext = 0.01,
        DecodeMsPerSequence = 0.5,
        AttentionMsPer1kKvTokens = 0.3,
        VisionMsPerPatch = 0.02,
        KvBlockBytes = 0,
    };

    public static SamplingContext Sampling(SamplingParams p) =>
        new(p, ReadOnlyMemory<int>.Empty, ReadOnlyMemory<int>.Empty, 0, ReadOnlyMemory<int>.Empty);

    public static readonly SamplingContext Greedy = Sampling(new SamplingParams { Temperature = 0 });

    /// <summary>Two layers, one KV head of 64 dims: 2·2·1·64·16·2 = 8,192 bytes a bf16 block of 16.</summary>
    public static ModelSpec Spec(int blockSize = 16, int vocab = 1000) =>
        new(new TextConfig(128, 256, 2, 2, 1, vocab, 1e-6, 1e6, [8, 12, 12], 4096, true), blockSize, 4096);

    /// <summary>The terms of a prompt chunk of <paramref name="n"/> tokens after <paramref name="context"/>, written out by hand.</summary>
    public static StepShape Prefill(int n, int context) => new(1, n, (n * (double)context + n * (n - 1) / 2.0) / 1000, 0, (context + n) / 1000.0, 0);

    public static StepShape Decode(int batch, int context) => new(1, 0, 0, batch, batch * (context + 1) / 1000.0, 0);

    public static StepShape Image(int patches) => new(0, 0, 0, 0, 0, patches);
}
