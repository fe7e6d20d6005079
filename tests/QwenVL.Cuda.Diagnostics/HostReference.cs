namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// CPU versions of the kernels the self-test checks, with the same bf16 roundings in the same places,
/// and the error measures it reports.
/// </summary>
internal static class HostReference
{
    public static ushort[] RandomBf16(Random random, int count, float low, float high)
    {
        var values = new ushort[count];
        for (var i = 0; i < count; i++) values[i] = BFloat16.FromSingle(low + (high - low) * random.NextSingle());
        return values;
    }

    public static void RmsNormResidual(
        ReadOnlySpan<ushort> x, Span<ushort> residual, ReadOnlySpan<ushort> weight, Span<ushort> output, int rows, int hidden, float eps)
    {
        for (var r = 0; r < rows; r++)
        {
            var xs = x.Slice(r * hidden, hidden);
            var rs = residual.Slice(r * hidden, hidden);
            var os = output.Slice(r * hidden, hidden);
            var sumSquares = 0.0;
            for (var i = 0; i < hidden; i++)
            {
                rs[i] = BFloat16.FromSingle(BFloat16.ToSingle(xs[i]) + BFloat16.ToSingle(rs[i]));
                double z = BFloat16.ToSingle(rs[i]);
                sumSquares += z * z;
            }
            var inverseRms = (float)(1.0 / Math.Sqrt(sumSquares / hidden + eps));
            for (var i = 0; i < hidden; i++)
            {
                var normalized = BFloat16.Round(BFloat16.ToSingle(rs[i]) * inverseRms);
                os[i] = BFloat16.FromSingle(normalized * BFloat16.ToSingle(weight[i]));
            }
        }
    }

    public static void SiluMul(ReadOnlySpan<ushort> gateUp, Span<ushort> output, int rows, int inter)
    {
        for (var r = 0; r < rows; r++)
        {
            var gate = gateUp.Slice(r * 2 * inter, inter);
            var up = gateUp.Slice(r * 2 * inter + inter, inter);
            for (var i = 0; i < inter; i++)
            {
                var g = BFloat16.ToSingle(gate[i]);
                output[r * inter + i] = BFloat16.FromSingle(g / (1f + MathF.Exp(-g)) * BFloat16.ToSingle(up[i]));
            }
        }
    }

    /// <summary>Σ a[m, k]·w[n, k] in float64 over bf16 operands.</summary>
    public static double Dot(ReadOnlySpan<ushort> a, ReadOnlySpan<ushort> w, int m, int n, int k)
    {
        var sum = 0.0;
        var aRow = a.Slice(m * k, k);
        var wRow = w.Slice(n * k, k);
        for (var i = 0; i < k; i++) sum += (double)BFloat16.ToSingle(aRow[i]) * BFloat16.ToSingle(wRow[i]);
        return sum;
    }

    public static ErrorStats Compare(ReadOnlySpan<ushort> actual, ReadOnlySpan<ushort> expected)
    {
        var stats = new ErrorAccumulator();
        for (var i = 0; i < actual.Length; i++) stats.Add(BFloat16.ToSingle(actual[i]), BFloat16.ToSingle(expected[i]));
        return stats.Result;
    }
}

/// <summary>Largest absolute difference, ‖actual − expected‖ / ‖expected‖, non-finite outputs, and the worst element
/// measured against a tolerance of 2% of the expected value plus 0.01 (two bf16 roundings apart, with room).</summary>
internal readonly record struct ErrorStats(int Count, double MaxAbs, double RelativeL2, int NonFinite, double WorstVersusTolerance)
{
    public bool WithinBf16Tolerance(double maxRelativeL2) => NonFinite == 0 && RelativeL2 <= maxRelativeL2 && WorstVersusTolerance <= 1;

    public override string ToString() =>
        $"max abs err {MaxAbs:G3}, rel L2 err {RelativeL2:E2}, worst/tol {WorstVersusTolerance:F2}, non-finite {NonFinite} of {Count}";
}

internal struct ErrorAccumulator
{
    private int _count, _nonFinite;
    private double _maxAbs, _diffSquares, _refSquares, _worst;

    public void Add(double actual, double expected)
    {
        _count++;
        if (!double.IsFinite(actual))
        {
            _nonFinite++;
            return;
        }
        var diff = Math.Abs(actual - expected);
        _maxAbs = Math.Max(_maxAbs, diff);
        _diffSquares += diff * diff;
        _refSquares += expected * expected;
        _worst = Math.Max(_worst, diff / (0.02 * Math.Abs(expected) + 0.01));
    }

    public readonly ErrorStats Result =>
        new(_count, _maxAbs, _refSquares == 0 ? (_diffSquares == 0 ? 0 : double.PositiveInfinity) : Math.Sqrt(_diffSquares / _refSquares), _nonFinite, _worst);
}
