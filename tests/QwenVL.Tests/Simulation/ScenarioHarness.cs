using QwenVL.Runtime.Model;
using QwenVL.Runtime.Text;
using QwenVL.Tests.Fixtures;
using Xunit.Abstractions;
using QwenVL.Bench.CostModel;
using QwenVL.Bench.Simulation;

namespace QwenVL.Tests.Simulation;

/// <summary>
/// Runs a workload through the real actors on virtual time over the tiny fixture's configs and tokenizer, with a
/// hand-set profile of H100-like costs, and prints the run's report to the test output.
/// </summary>
public static class ScenarioHarness
{
    public static StepCostProfile Profile { get; } = new()
    {
        Model = "qwen2vl-tiny (H100-like costs, set by hand)",
        BlockSize = 16,
        StepOverheadMs = 1.5,
        PrefillMsPerToken = 0.012,
        PrefillMsPerTokenPer1kContext = 0.002,
        DecodeMsPerSequence = 0.015,
        AttentionMsPer1kKvTokens = 0.004,
        VisionMsPerPatch = 0.005,
        KvBlockBytes = 0,
    };

    private static readonly Lazy<(ModelDirectory Model, QwenTokenizer Tokenizer)> Tiny =
        new(() => (ModelDirectory.Open(FixturePaths.TinyModel), QwenTokenizer.Load(FixturePaths.TinyModel)));

    public static async Task<(SimulationResult Result, SimulatedExecutor Executor)> RunAsync(SimulationWorkload workload, SimulationSettings settings,
        ITestOutputHelper output, StepCostProfile? profile = null)
    {
        var (model, tokenizer) = Tiny.Value;
        var (runner, executor, words) = SimulationSetup.Create(model, tokenizer, profile ?? Profile, settings with { MaxModelLen = settings.MaxModelLen ?? 8192 });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var result = await runner.RunAsync(WorkloadArrivals.Build(workload.Validated(), words), timeout.Token);
        var text = new StringWriter();
        SimulationReport.Write(text, result, workload, clock.Elapsed);
        output.WriteLine(text.ToString());
        return (result, executor);
    }
}
