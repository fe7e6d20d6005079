using System.Text.Json.Serialization;

namespace QwenVL.Bench.CostModel;

/// <summary>
/// The requests a profile's request costs (<see cref="StepCostProfile.RequestOverheadMs"/>,
/// <see cref="StepCostProfile.ImageCosts"/>) were fitted to: each sent through the HTTP server beside one
/// decoding request, its time to first token measured at the client, less its modelled time in steps.
/// </summary>
public sealed record RequestPathFit
{
    [JsonPropertyName("measurements")] public IReadOnlyList<RequestMeasurement> Measurements { get; init; } = [];
}

/// <summary>One kind of request timed on a server busy with one decoding sequence (medians of its repeats).</summary>
/// <param name="Label">What the request was, e.g. "image 448x448".</param>
/// <param name="PromptTokens">The prompt's tokens, images' included, as the server counted them.</param>
/// <param name="ImagePixels">Pixels of its images as sent.</param>
/// <param name="TtftMs">Time to first token at the client.</param>
/// <param name="FirstStepMs">Its modelled time in steps: waiting for the step in flight and the step that prefilled it.</param>
/// <param name="ModelledMs">What the fitted request costs say the rest (TTFT − first step) should be; null before the fit.</param>
public sealed record RequestMeasurement(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("prompt_tokens")] int PromptTokens,
    [property: JsonPropertyName("image_pixels")] long ImagePixels,
    [property: JsonPropertyName("ttft_ms")] double TtftMs,
    [property: JsonPropertyName("first_step_ms")] double FirstStepMs,
    [property: JsonPropertyName("modelled_ms")] double? ModelledMs = null)
{
    /// <summary>What the request path took besides its first step.</summary>
    [JsonIgnore] public double PathMs => TtftMs - FirstStepMs;
}
