using Xunit;
using Xunit.Abstractions;
using QwenVL.Bench.CostModel;
using QwenVL.Bench.Profile;
using QwenVL.Bench.Simulation;

namespace QwenVL.Tests.Simulation;

/// <summary>The request path's costs: their fit, their JSON, and the delay they put before a simulated request's submission.</summary>
[Collection(ScenarioCollection.Name)]
public sealed class RequestCostTests(ITestOutputHelper output)
{
    private static RequestMeasurement Made(string label, long pixels, double firstStepMs, double pathMs) =>
        new(label, 100, pixels, firstStepMs + pathMs, firstStepMs);

    [Fact]
    public void The_overhead_is_what_text_requests_take_beyond_their_steps_and_each_picture_what_it_adds()
    {
        var measurements = new[]
        {
            Made("text", 0, 3.0, 1.0), Made("text long", 0, 7.5, 1.5),
            Made("image 224", 224 * 224, 5.0, 1.25 + 4), Made("image 448", 448 * 448, 10.0, 1.25 + 10), Made("image 672", 672 * 672, 20.0, 1.25 + 30),
        };
        var profile = ProfileRequestPath.Fit(ScenarioHarness.Profile, measurements);
        Assert.Equal(1.25, profile.RequestOverheadMs, 6);
        Assert.Equal([224L * 224, 448L * 448, 672L * 672], profile.ImageCosts.Select(c => c.Pixels));
        Assert.Equal([4.0, 10.0, 30.0], profile.ImageCosts.Select(c => Math.Round(c.Ms, 6)));
        Assert.All(profile.RequestPath!.Measurements.Where(m => m.ImagePixels > 0), m => Assert.Equal(m.PathMs, m.ModelledMs!.Value, 6));
        Assert.Equal(ScenarioHarness.Profile.PrefillMsPerToken, profile.PrefillMsPerToken);
    }

    [Fact]
    public void Picture_costs_are_interpolated_between_sizes_and_extended_by_the_last_slope()
    {
        var profile = ScenarioHarness.Profile with { RequestOverheadMs = 2, ImageCosts = [new(100_000, 10), new(300_000, 50)] };
        Assert.Equal(2, RequestCost.Milliseconds(profile, 0), 9);
        Assert.Equal(2 + 5, RequestCost.Milliseconds(profile, 50_000), 9);
        Assert.Equal(2 + 30, RequestCost.Milliseconds(profile, 200_000), 9);
        Assert.Equal(2 + 50, RequestCost.Milliseconds(profile, 300_000), 9);
        Assert.Equal(2 + 70, RequestCost.Milliseconds(profile, 400_000), 9);
        Assert.Equal(2, RequestCost.Milliseconds(ScenarioHarness.Profile with { RequestOverheadMs = 2 }, 400_000), 9);
    }

    [Fact]
    public void A_path_faster_than_its_modelled_steps_costs_zero_not_a_negative_time()
    {
        var measurements = new[] { Made("text", 0, 3.0, -0.5), Made("image", 448 * 448, 5.0, -1) };
        var profile = ProfileRequestPath.Fit(ScenarioHarness.Profile, measurements);
        Assert.Equal(0, profile.RequestOverheadMs);
        Assert.Equal(0, profile.ImageCosts.Single().Ms);
    }

    [Fact]
    public void Request_costs_round_trip_through_json_and_default_to_zero_in_a_profile_without_them()
    {
        var profile = ScenarioHarness.Profile with { RequestOverheadMs = 1.5, ImageCosts = [new(50_176, 4.5), new(200_704, 11)] };
        var back = StepCostProfileJson.Parse(StepCostProfileJson.ToJson(profile));
        Assert.Equal(1.5, back.RequestOverheadMs);
        Assert.Equal(profile.ImageCosts, back.ImageCosts);
        var without = StepCostProfileJson.ToJson(ScenarioHarness.Profile).Replace("\"request_overhead_ms\": 0,", "", StringComparison.Ordinal);
        Assert.DoesNotContain("request_overhead_ms", without, StringComparison.Ordinal);
        Assert.Equal(0, StepCostProfileJson.Parse(without).RequestOverheadMs);
        var negative = Assert.Throws<StepCostProfileException>(() => StepCostProfileJson.Parse(StepCostProfileJson.ToJson(
            profile with { ImageCosts = [new(50_176, 4.5), new(200_704, 11)] }).Replace("\"ms\": 11", "\"ms\": -11", StringComparison.Ordinal)));
        Assert.Contains("image_ms_by_pixels[1].ms", negative.Message, StringComparison.Ordinal);
        var unordered = Assert.Throws<StepCostProfileException>(() => StepCostProfileJson.ToJson(profile with { ImageCosts = [new(200_704, 11), new(50_176, 4.5)] }));
        Assert.Contains("increasing", unordered.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lone_request_reaches_its_first_token_its_preparation_later()
    {
        var text = new SimulationWorkload { Requests = 1, PromptTokens = new(100, 100), OutputTokens = new(4, 4), Seed = 3 };
        var image = text with { ImageFraction = 1, ImageSize = 448 };
        var costly = ScenarioHarness.Profile with { RequestOverheadMs = 10, ImageCosts = [new(1_000_000, 50)] };
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
