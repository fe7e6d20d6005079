using System.Text.Json.Serialization;

namespace QwenVL.Bench.CostModel;

/// <summary>
/// How well a profile's coefficients explain the steps they were fitted to, kept in the profile so that whoever runs
/// a simulation from it can see how far to trust it. Relative errors are (modelled − measured) / measured.
/// </summary>
public sealed record StepCostFit
{
    /// <summary>Root mean square of the measurements' relative errors.</summary>
    [JsonPropertyName("rms_relative_error")] public required double RmsRelativeError { get; init; }

    /// <summary>The largest relative error, by magnitude, with its sign.</summary>
    [JsonPropertyName("max_relative_error")] public required double MaxRelativeError { get; init; }

    [JsonPropertyName("measurements")] public IReadOnlyList<StepMeasurement> Measurements { get; init; } = [];
}

/// <summary>One timed step of a profile sweep: what it held, how long it took (median of its runs) and what the fit says.</summary>
/// <param name="Label">What the step was, e.g. "decode 8 at 512".</param>
/// <param name="Shape">The cost model's terms of the step.</param>
/// <param name="MeasuredMs">The median wall time of Execute, in milliseconds.</param>
/// <param name="ModelledMs">The fitted profile's duration of the same step; null before the fit.</param>
public sealed record StepMeasurement(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("shape")] StepShape Shape,
    [property: JsonPropertyName("measured_ms")] double MeasuredMs,
    [property: JsonPropertyName("modelled_ms")] double? ModelledMs = null)
{
    /// <summary>(modelled − measured) / measured; null before the fit.</summary>
    [JsonIgnore] public double? RelativeError => ModelledMs is double m ? (m - MeasuredMs) / MeasuredMs : null;
}
