using System.Globalization;
using QwenVL.Bench.CostModel;
using QwenVL.Bench.Load;
using QwenVL.Bench.Workloads;

namespace QwenVL.Bench.Simulation;

/// <summary>A simulation's report: bench serve's table (in virtual time), then the steps' make-up and the invariants.</summary>
public static class SimulationReport
{
    public static void Write(TextWriter output, SimulationResult result, SimulationWorkload workload, TimeSpan realTime,
        StepCostProfile? profile = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(result);
        BenchReportTable.Write(output, result.Report, Options(workload));
        if (profile != null) output.WriteLine(RequestPathLine(profile, workload));
        var c = result.Composition;
        var s = result.FinalStatus.Scheduler;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"simulated {result.VirtualSeconds:F2} s in {realTime.TotalSeconds:F2} s: {c.Steps} steps, {c.PrefillTokens} prefill tokens, {c.DecodeTokens} decode tokens, largest step {c.MaxTokensInStep} of {result.Config.MaxNumBatchedTokens} tokens"));
        double hitRate = s.PrefixCacheQueries > 0 ? 100.0 * s.PrefixCacheHits / s.PrefixCacheQueries : 0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"preemptions {s.Preemptions}, prefix cache hit rate {hitRate:F1}%, peak KV blocks {s.PeakBlocksInUse} of {s.TotalBlocks}, cancelled {result.Cancelled}"));
        var problems = result.EndStateProblems();
        output.WriteLine(problems.Count == 0
            ? "invariants: every request ended, every block returned, the token budget and FCFS admission held"
            : "invariants broken:\n  " + string.Join("\n  ", problems));
    }

    /// <summary>What the profile charges this workload's requests before they reach the scheduler.</summary>
    private static string RequestPathLine(StepCostProfile profile, SimulationWorkload workload)
    {
        long pixels = (long)workload.ImageSize * workload.ImageSize;
        return string.Create(CultureInfo.InvariantCulture,
            $"request path: {profile.RequestOverheadMs:F2} ms a request, {RequestCost.Milliseconds(profile, pixels):F2} ms with a {workload.ImageSize}x{workload.ImageSize} picture");
    }

    public static void WriteJson(string path, SimulationResult result, SimulationWorkload workload)
    {
        using var file = File.Create(path);
        BenchReportJson.Write(file, result.Report, result.Run, Options(workload), "simulated", DateTimeOffset.UtcNow);
    }

    private static BenchServeOptions Options(SimulationWorkload workload) => new()
    {
        BaseUrl = new Uri("http://simulated/"),
        NumPrompts = workload.Requests,
        RequestRate = workload.Rate is > 0 and var rate ? rate : double.PositiveInfinity,
    };
}
