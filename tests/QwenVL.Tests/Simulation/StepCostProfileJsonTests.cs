using QwenVL.Tests.Checkpoint;
using Xunit;
using QwenVL.Bench.CostModel;

namespace QwenVL.Tests.Simulation;

/// <summary>Profile files: what is written reads back the same, and every way a file can be wrong says where.</summary>
public class StepCostProfileJsonTests
{
    private static readonly StepCostProfile Fitted = SimulationProfiles.Known with
    {
        KvBlockBytes = 57344,
        RequestOverheadMs = 2.5,
        ImageCosts = [new(50_176, 4.5), new(200_704, 11)],
        Fit = new StepCostFit
        {
            RmsRelativeError = 0.031,
            MaxRelativeError = -0.072,
            Measurements = [new StepMeasurement("decode 8 at 256", SimulationProfiles.Decode(8, 256), 6.25, 6.5)],
        },
    };

    private static string Valid => StepCostProfileJson.ToJson(SimulationProfiles.Known);

    [Fact]
    public void A_saved_profile_loads_back_with_every_field()
    {
        using var directory = new TempDirectory();
        var path = directory.File("profile.json");
        StepCostProfileJson.Save(Fitted, path);
        var loaded = StepCostProfileJson.Load(path);

        // The picture costs are a list, which record equality compares by reference: compared on their own.
        Assert.Equal(Fitted with { Fit = null, ImageCosts = [] }, loaded with { Fit = null, ImageCosts = [] });
        Assert.Equal(Fitted.ImageCosts, loaded.ImageCosts);
        Assert.Equal(Fitted.Fit!.RmsRelativeError, loaded.Fit!.RmsRelativeError);
        Assert.Equal(Fitted.Fit.MaxRelativeError, loaded.Fit.MaxRelativeError);
        Assert.Equal(Fitted.Fit.Measurements, loaded.Fit.Measurements);
    }

    [Fact]
    public void Fields_are_written_in_snake_case()
    {
        var json = StepCostProfileJson.ToJson(Fitted);
        foreach (var field in new[]
        {
            "\"step_overhead_ms\"", "\"prefill_ms_per_token\"", "\"prefill_ms_per_token_per_1k_context\"", "\"decode_ms_per_sequence\"",
            "\"attention_ms_per_1k_kv_tokens\"", "\"vision_ms_per_patch\"", "\"kv_block_bytes\"", "\"block_size\"", "\"measured_at\"",
            "\"rms_relative_error\"", "\"measured_ms\"", "\"modelled_ms\"", "\"prefill_context_k_tokens\"", "\"request_overhead_ms\"", "\"image_ms_by_pixels\"", "\"pixels\"",
        })
            Assert.Contains(field, json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var directory = new TempDirectory();
        var e = Assert.Throws<StepCostProfileException>(() => StepCostProfileJson.Load(directory.File("absent.json")));
        Assert.Contains("not found", e.Message, StringComparison.Ordinal);
        Assert.Contains("absent.json", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"decode_ms_per_sequence\": 0.5", "\"decode_ms_per_sequence\": -0.5", "decode_ms_per_sequence")]
    [InlineData("\"vision_ms_per_patch\": 0.02", "\"vision_ms_per_patch\": -1e-9", "vision_ms_per_patch")]
    [InlineData("\"kv_block_bytes\": 0", "\"kv_block_bytes\": -1", "kv_block_bytes")]
    [InlineData("\"block_size\": 16", "\"block_size\": 0", "block_size")]
    [InlineData("\"decode_ms_per_sequence\": 0.5", "\"decode_ms_per_sequence\": \"fast\"", "$.decode_ms_per_sequence")]
    [InlineData("\"decode_ms_per_sequence\": 0.5", "\"decode_ms_per_seqence\": 0.5", "decode_ms_per_seqence")]
    [InlineData("\"step_overhead_ms\": 2,", "", "step_overhead_ms")]
    [InlineData("\"step_overhead_ms\": 2,", "\"step_overhead_ms\": 2", "invalid JSON")]
    public void A_bad_field_is_named_in_the_error(string valid, string broken, string named)
    {
        Assert.Contains(valid, Valid, StringComparison.Ordinal);
        var json = Valid.Replace(valid, broken, StringComparison.Ordinal);
        var e = Assert.Throws<StepCostProfileException>(() => StepCostProfileJson.Parse(json, "p.json"));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("p.json: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_profile_is_not_written()
    {
        var e = Assert.Throws<StepCostProfileException>(() => StepCostProfileJson.ToJson(SimulationProfiles.Known with { StepOverheadMs = double.NaN }));
        Assert.Contains("step_overhead_ms", e.Message, StringComparison.Ordinal);
    }
}
