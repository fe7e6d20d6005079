using QwenVL.Http.Bench;
using QwenVL.Http.Simulation;
using QwenVL.Runtime.Simulation;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Simulation;

/// <summary>The request path's costs: their fit, their JSON, and the delay they put before a simulated request's submission.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class RequestCostTests(ITestOutputHelper output)
{
    private static RequestMeasurement Made(string label, long pixels, double firstStepMs, double overheadMs, double msPerMegapixel) =>
        new(label, 100, pixels, firstStepMs + overheadMs + pixels / 1e6 * msPerMegapixel, firstStepMs);

    [Fact]
    public void Exact_measurements_give_back_the_overhead_and_the_cost_per_megapixel()
    {
        var measurements = new[]
        {
            Made("text", 0, 3.0, 1.25, 30), Made("text long", 0, 7.5, 1.25, 30),
            Made("image 224", 224 * 224, 5.0, 1.25, 30), Made("image 896", 896 * 896, 40.0, 1.25, 30),
        };
        var profile = ProfileRequestPath.Fit(ScenarioHarness.Profile, measurements);
        Assert.Equal(1.25, profile.RequestOverheadMs, 6);
        Assert.Equal(30, profile.ImageMsPerMegapixel, 6);
        Assert.All(profile.RequestPath!.Measurements, m => Assert.Equal(m.PathMs, m.ModelledMs!.Value, 6));
        Assert.Equal(ScenarioHarness.Profile.PrefillMsPerToken, profile.PrefillMsPerToken);
    }

    [Fact]
    public void A_path_faster_than_its_modelled_step_leaves_the_overhead_at_zero_not_negative()
    {
        var measurements = new[] { Made("text", 0, 3.0, -0.5, 0), Made("image", 448 * 448, 5.0, -0.5, 0) };
        var profile = ProfileRequestPath.Fit(ScenarioHarness.Profile, measurements);
        Assert.Equal(0, profile.RequestOverheadMs);
        Assert.True(profile.ImageMsPerMegapixel >= 0);
    }

    [Fact]
    public void Request_costs_round_trip_through_json_and_default_to_zero_in_a_profile_without_them()
    {
        var profile = ScenarioHarness.Profile with { RequestOverheadMs = 1.5, ImageMsPerMegapixel = 42 };
        var back = StepCostProfileJson.Parse(StepCostProfileJson.ToJson(profile));
        Assert.Equal(1.5, back.RequestOverheadMs);
        Assert.Equal(42, back.ImageMsPerMegapixel);
        var without = StepCostProfileJson.ToJson(ScenarioHarness.Profile).Replace("\"request_overhead_ms\": 0,", "", StringComparison.Ordinal);
        Assert.DoesNotContain("request_overhead_ms", without, StringComparison.Ordinal);
        Assert.Equal(0, StepCostProfileJson.Parse(without).RequestOverheadMs);
        var negative = Assert.Throws<StepCostProfileException>(() => StepCostProfileJson.Parse(StepCostProfileJson.ToJson(ScenarioHarness.Profile)
            .Replace("\"image_ms_per_megapixel\": 0", "\"image_ms_per_megapixel\": -1", StringComparison.Ordinal)));
        Assert.Contains("image_ms_per_megapixel", negative.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lone_request_reaches_its_first_token_its_preparation_later()
    {
        var text = new SimulationWorkload { Requests = 1, PromptTokens = new(100, 100), OutputTokens = new(4, 4), Seed = 3 };
        var image = text with { ImageFraction = 1, ImageSize = 448 };
        var costly = ScenarioHarness.Profile with { RequestOverheadMs = 10, ImageMsPerMegapixel = 50 };
        double Ttft(SimulationResult r) => r.Run.Outcomes[0].TtftSeconds * 1000;

        var (textFree, _) = await ScenarioHarness.RunAsync(text, new SimulationSettings(), output);
        var (textCostly, _) = await ScenarioHarness.RunAsync(text, new SimulationSettings(), output, costly);
        var (imageFree, _) = await ScenarioHarness.RunAsync(image, new SimulationSettings(), output);
        var (imageCostly, _) = await ScenarioHarness.RunAsync(image, new SimulationSettings(), output, costly);

        Assert.Equal(10, Ttft(textCostly) - Ttft(textFree), 3);
        Assert.Equal(10 + 448 * 448 / 1e6 * 50, Ttft(imageCostly) - Ttft(imageFree), 3);
        // The delay comes before the first token only: the gaps between tokens are the steps'.
        Assert.Equal(textFree.Run.Outcomes[0].ItlSeconds, textCostly.Run.Outcomes[0].ItlSeconds);
    }
}
