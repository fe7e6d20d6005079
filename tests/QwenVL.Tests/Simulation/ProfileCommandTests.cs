using QwenVL.Tests.Checkpoint;
using QwenVL.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;
using QwenVL.App.Cli;
using QwenVL.Bench.CostModel;
using QwenVL.Bench.Profile;

namespace QwenVL.Tests.Simulation;

/// <summary>`qwenvl bench profile` through the command line on the tiny fixture, and its plan's limits.</summary>
[Collection(TimedMeasurementCollection.Name)]
public class ProfileCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_quick_cpu_run_writes_a_profile_that_loads_with_positive_prefill_and_decode_costs()
    {
        using var directory = new TempDirectory();
        var path = directory.File("profile.json");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exit = await CommandLine.RunAsync(
            ["bench", "profile", "--model", FixturePaths.TinyModel, "--device", "cpu", "--quick", "--out", path], TextReader.Null, stdout, stderr);
        output.WriteLine(stdout.ToString());

        Assert.True(exit == 0, $"exit code {exit}: {stderr}");
        var profile = StepCostProfileJson.Load(path);
        Assert.True(profile.PrefillMsPerToken > 0, $"prefill {profile.PrefillMsPerToken}");
        Assert.True(profile.DecodeMsPerSequence > 0, $"decode {profile.DecodeMsPerSequence}");
        Assert.Equal("qwen2vl-tiny", profile.Model);
        Assert.Equal("cpu", profile.Executor);
        Assert.Equal(16, profile.BlockSize);
        // The CPU cache is float32: 2 (K, V) · 2 layers · 1 KV head · 64 dims · 16 slots · 4 bytes.
        Assert.Equal(16384, profile.KvBlockBytes);
        var fit = profile.Fit!;
        Assert.Contains(fit.Measurements, m => m.Label.StartsWith("decode", StringComparison.Ordinal));
        Assert.Contains(fit.Measurements, m => m.Label.StartsWith("prefill", StringComparison.Ordinal) && m.Label.EndsWith("at 0", StringComparison.Ordinal));
        Assert.Contains(fit.Measurements, m => m.Label.StartsWith("image", StringComparison.Ordinal) && m.Shape.ImagePatches > 0);
        Assert.All(fit.Measurements, m => Assert.True(m.MeasuredMs > 0 && m.ModelledMs > 0, m.Label));
        Assert.Contains("relative error", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("profile: decode 1 at 32:", stderr.ToString(), StringComparison.Ordinal);
        // The request path, timed through the server: two text prompts and two pictures, each a measured TTFT.
        var requests = profile.RequestPath!.Measurements;
        Assert.Equal(["text 32 words", "text 320 words", "image 224x224", "image 448x448"], requests.Select(m => m.Label));
        Assert.All(requests, m => Assert.True(m.TtftMs > 0 && m.FirstStepMs > 0 && m.PromptTokens > 0, m.Label));
        Assert.True(requests[1].PromptTokens > requests[0].PromptTokens + 200, $"{requests[0].PromptTokens} and {requests[1].PromptTokens} prompt tokens");
        Assert.Equal(448L * 448, requests[3].ImagePixels);
        Assert.Equal([224L * 224, 448L * 448], profile.ImageCosts.Select(c => c.Pixels));
        Assert.True(profile.RequestOverheadMs + profile.ImageCosts.Sum(c => c.Ms) > 0, "the request path cost nothing");
        Assert.Contains("request_overhead_ms", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_output_file_the_command_says_so()
    {
        var stderr = new StringWriter();
        int exit = await CommandLine.RunAsync(["bench", "profile", "--model", FixturePaths.TinyModel], TextReader.Null, new StringWriter(), stderr);
        Assert.Equal(2, exit);
        Assert.Contains("--out is required", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_usage_names_the_command()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, await CommandLine.RunAsync(["--help"], TextReader.Null, stdout, new StringWriter()));
        Assert.Contains("bench profile --model MODEL --out FILE", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_plan_keeps_within_the_executors_limits()
    {
        var plan = ProfilePlan.For(gpu: true, quick: false).Within(maxTokensPerStep: 512, maxSequencesPerStep: 16, maxModelLength: 1024);

        Assert.Equal([32, 128, 512], plan.PrefillChunks);
        Assert.Equal(512, plan.PrefillContext);
        Assert.Equal([1, 2, 4, 8], plan.DecodeBatches);
        Assert.Equal([256, 1023], plan.DecodeContexts);
    }
}
