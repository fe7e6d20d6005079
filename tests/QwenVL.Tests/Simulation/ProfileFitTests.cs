using Xunit;
using Xunit.Abstractions;
using QwenVL.Bench.CostModel;

namespace QwenVL.Tests.Simulation;

/// <summary>The profile fit: non-negative least squares, and the costs it recovers from steps a known profile timed.</summary>
public class ProfileFitTests(ITestOutputHelper output)
{
    private static readonly StepCostProfile Blank = SimulationProfiles.Known.WithCoefficients(new double[StepShape.TermCount]);

    /// <summary>The shapes a GPU sweep measures: prompt chunks at two contexts, decodes at two, a mixed step, images.</summary>
    private static List<(string Label, StepShape Shape)> Sweep()
    {
        var shapes = new List<(string, StepShape)>();
        foreach (int context in new[] { 0, 2048 })
        {
            foreach (int n in new[] { 32, 128, 512, 1024, 2048 }) shapes.Add(($"prefill {n} at {context}", SimulationProfiles.Prefill(n, context)));
        }
        foreach (int context in new[] { 256, 2048 })
        {
            foreach (int b in new[] { 1, 2, 4, 8, 16, 32, 64 }) shapes.Add(($"decode {b} at {context}", SimulationProfiles.Decode(b, context)));
        }
        var p = SimulationProfiles.Prefill(512, 0);
        var d = SimulationProfiles.Decode(64, 256);
        shapes.Add(("mixed", new StepShape(1, p.PrefillTokens, p.PrefillContextKiloTokens, d.DecodeSequences, p.KvKiloTokens + d.KvKiloTokens, 0)));
        foreach (int patches in new[] { 256, 1024, 2304 }) shapes.Add(($"image {patches}", SimulationProfiles.Image(patches)));
        return shapes;
    }

    private static List<StepMeasurement> Timed(StepCostProfile truth, double noise, int seed = 5)
    {
        var random = new Random(seed);
        return Sweep().Select(s => new StepMeasurement(s.Label, s.Shape,
            StepCost.Milliseconds(truth, s.Shape) * (1 + noise * (2 * random.NextDouble() - 1)))).ToList();
    }

    private static double[] Coefficients(StepCostProfile p)
    {
        var c = new double[StepShape.TermCount];
        p.CopyCoefficients(c);
        return c;
    }

    [Fact]
    public void Exact_measurements_give_back_the_profile_that_made_them()
    {
        var fitted = ProfileFit.Fit(Blank, Timed(SimulationProfiles.Known, noise: 0));

        var expected = Coefficients(SimulationProfiles.Known);
        var actual = Coefficients(fitted);
        for (int j = 0; j < expected.Length; j++) Assert.Equal(expected[j], actual[j], 1e-9 * expected[j]);
        Assert.True(fitted.Fit!.RmsRelativeError < 1e-10, $"rms {fitted.Fit.RmsRelativeError}");
        Assert.All(fitted.Fit.Measurements, m => Assert.Equal(m.MeasuredMs, m.ModelledMs!.Value, 1e-9 * m.MeasuredMs));
    }

    [Fact]
    public void Measurements_with_two_percent_noise_give_back_the_costs_within_a_few_percent()
    {
        var fitted = ProfileFit.Fit(Blank, Timed(SimulationProfiles.Known, noise: 0.02));

        var expected = Coefficients(SimulationProfiles.Known);
        var actual = Coefficients(fitted);
        output.WriteLine(string.Join(", ", actual.Select((a, j) => $"{a:G4} (true {expected[j]:G4})")));
        for (int j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(actual[j] - expected[j]) <= 0.15 * expected[j], $"coefficient {j}: {actual[j]} against {expected[j]}");
        Assert.InRange(fitted.Fit!.RmsRelativeError, 1e-4, 0.02);
        Assert.True(Math.Abs(fitted.Fit.MaxRelativeError) <= 0.04, $"largest error {fitted.Fit.MaxRelativeError}");
    }

    [Fact]
    public void A_cost_that_is_zero_stays_zero_rather_than_going_negative()
    {
        var truth = SimulationProfiles.Known with { PrefillMsPerTokenPer1kContext = 0, StepOverheadMs = 0 };
        var fitted = ProfileFit.Fit(Blank, Timed(truth, noise: 0.02, seed: 11));

        Assert.All(Coefficients(fitted), c => Assert.True(c >= 0, $"negative cost {c}"));
        Assert.True(fitted.PrefillMsPerTokenPer1kContext < 0.002, $"context cost {fitted.PrefillMsPerTokenPer1kContext}");
        Assert.True(fitted.StepOverheadMs < 0.05, $"step overhead {fitted.StepOverheadMs}");
    }

    [Fact]
    public void The_fit_keeps_the_templates_descriptions()
    {
        var fitted = ProfileFit.Fit(Blank with { Model = "m", KvBlockBytes = 99 }, Timed(SimulationProfiles.Known, noise: 0));
        Assert.Equal("m", fitted.Model);
        Assert.Equal(99, fitted.KvBlockBytes);
        Assert.Equal(Sweep().Count, fitted.Fit!.Measurements.Count);
    }

    [Fact]
    public void Nnls_clamps_a_coefficient_that_least_squares_would_make_negative()
    {
        // Unconstrained: x = (1, -1) fits exactly; with x2 >= 0 the best is x2 = 0, x1 = mean(2, 1) = 1.5.
        double[,] a = { { 1, 0 }, { 0, 1 }, { 1, 1 } };
        var x = NonNegativeLeastSquares.Solve(a, [2, -1, 1]);
        Assert.Equal(1.5, x[0], 12);
        Assert.Equal(0, x[1]);
    }

    [Fact]
    public void Nnls_equals_least_squares_when_that_is_non_negative()
    {
        double[,] a = { { 1, 1 }, { 1, 2 }, { 1, 3 }, { 1, 4 } };
        var x = NonNegativeLeastSquares.Solve(a, [3, 5, 7, 9]);
        Assert.Equal(1, x[0], 10);
        Assert.Equal(2, x[1], 10);
    }

    [Fact]
    public void Nnls_leaves_a_repeated_column_at_zero_instead_of_failing()
    {
        double[,] a = { { 1, 1, 2 }, { 2, 2, 1 }, { 3, 3, 1 } };
        var x = NonNegativeLeastSquares.Solve(a, [3, 3, 4]);
        double[] fitted = [0, 0, 0];
        for (int i = 0; i < 3; i++) fitted[i] = a[i, 0] * x[0] + a[i, 1] * x[1] + a[i, 2] * x[2];
        Assert.All(x, c => Assert.True(c >= 0));
        Assert.Equal(3, fitted[0], 9);
        Assert.Equal(3, fitted[1], 9);
        Assert.Equal(4, fitted[2], 9);
    }

    [Fact]
    public void Steps_that_took_no_time_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ProfileFit.Fit(Blank, [new StepMeasurement("x", SimulationProfiles.Decode(1, 1), 0)]));
        Assert.Throws<ArgumentException>(() => ProfileFit.Fit(Blank, []));
    }
}
