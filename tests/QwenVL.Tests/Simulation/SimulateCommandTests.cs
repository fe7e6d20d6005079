using System.Text.Json;
using QwenVL.Tests.Checkpoint;
using QwenVL.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;
using QwenVL.App.Cli;
using QwenVL.Bench.CostModel;

namespace QwenVL.Tests.Simulation;

/// <summary>`qwenvl simulate` through the command line, as the README runs it: a profile file, a workload file, the tiny model.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class SimulateCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_workload_runs_from_files_and_prints_bench_serves_table_the_request_path_and_the_invariants()
    {
        using var directory = new TempDirectory();
        var profile = ScenarioHarness.Profile with { RequestOverheadMs = 2, ImageCosts = [new(448 * 448, 12)] };
        StepCostProfileJson.Save(profile, directory.File("profile.json"));
        directory.Write("workload.json", """
            {"requests": 40, "rate": 20, "seed": 4, "prompt_tokens": {"min": 32, "max": 96},
             "output_tokens": {"min": 8, "max": 16}, "image_fraction": 0.25, "image_size": 448}
            """);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await CommandLine.RunAsync(["simulate", "--profile", directory.File("profile.json"), "--workload", directory.File("workload.json"),
            "--model", FixturePaths.TinyModel, "--max-model-len", "4096", "--json", directory.File("report.json")], TextReader.Null, stdout, stderr);
        output.WriteLine(stdout.ToString());

        Assert.True(exit == 0, $"exit code {exit}: {stderr}");
        var text = stdout.ToString();
        Assert.Contains("request path: 2.00 ms a request, 14.00 ms with a 448x448 picture", text, StringComparison.Ordinal);
        Assert.Contains("invariants: every request ended, every block returned", text, StringComparison.Ordinal);
        Assert.Contains("TTFT", text, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(directory.File("report.json")));
        Assert.Equal(40, report.RootElement.GetProperty("completed").GetInt32());
        // Every request pays at least the request path before its first token.
        Assert.True(report.RootElement.GetProperty("median_ttft_ms").GetDouble() >= 2, text);
    }

    [Fact]
    public async Task A_missing_profile_is_named()
    {
        using var directory = new TempDirectory();
        directory.Write("workload.json", """{"requests": 1}""");
        var stderr = new StringWriter();
        int exit = await CommandLine.RunAsync(["simulate", "--profile", directory.File("absent.json"), "--workload", directory.File("workload.json"),
            "--model", FixturePaths.TinyModel], TextReader.Null, new StringWriter(), stderr);
        Assert.Equal(2, exit);
        Assert.Contains("absent.json", stderr.ToString(), StringComparison.Ordinal);
    }
}
