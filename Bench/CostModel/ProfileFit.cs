namespace QwenVL.Bench.CostModel;

/// <summary>
/// Fits a <see cref="StepCostProfile"/>'s costs to measured steps by non-negative least squares on relative error:
/// each row is divided by its measured time, so a sub-millisecond decode counts as much as a long prefill (an
/// absolute fit would let the prefills decide everything and leave small steps' error at several times their size).
/// </summary>
public static class ProfileFit
{
    /// <summary>
    /// <paramref name="template"/> (its descriptive fields and KV block bytes) with the fitted costs, and the fit's
    /// errors and the measurements, each with its modelled time.
    /// </summary>
    public static StepCostProfile Fit(StepCostProfile template, IReadOnlyList<StepMeasurement> measurements)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(measurements);
        if (measurements.Count == 0) throw new ArgumentException("there is nothing to fit: no measurements", nameof(measurements));
        int rows = measurements.Count, columns = StepShape.TermCount;
        var a = new double[rows, columns];
        var b = new double[rows];
        Span<double> terms = stackalloc double[columns];
        for (int i = 0; i < rows; i++)
        {
            var m = measurements[i];
            if (!(m.MeasuredMs > 0) || double.IsInfinity(m.MeasuredMs))
                throw new ArgumentException($"'{m.Label}' measured {m.MeasuredMs} ms; a step takes a positive time", nameof(measurements));
            m.Shape.CopyTerms(terms);
            for (int j = 0; j < columns; j++) a[i, j] = terms[j] / m.MeasuredMs;
            b[i] = 1;
        }
        // Terms differ by orders of magnitude (one step against thousands of patches); unit columns keep the solve well posed.
        var norms = new double[columns];
        for (int j = 0; j < columns; j++)
        {
            for (int i = 0; i < rows; i++) norms[j] += a[i, j] * a[i, j];
            norms[j] = Math.Sqrt(norms[j]);
            for (int i = 0; i < rows; i++) a[i, j] = norms[j] > 0 ? a[i, j] / norms[j] : 0;
        }
        var scaled = NonNegativeLeastSquares.Solve(a, b);
        var coefficients = new double[columns];
        for (int j = 0; j < columns; j++) coefficients[j] = norms[j] > 0 ? scaled[j] / norms[j] : 0;

        var profile = template.WithCoefficients(coefficients);
        var fitted = measurements.Select(m => m with { ModelledMs = StepCost.Milliseconds(profile, m.Shape) }).ToArray();
        var errors = fitted.Select(m => m.RelativeError!.Value).ToArray();
        return profile with
        {
            Fit = new StepCostFit
            {
                RmsRelativeError = Math.Sqrt(errors.Average(e => e * e)),
                MaxRelativeError = errors.MaxBy(Math.Abs),
                Measurements = fitted,
            },
        };
    }
}
