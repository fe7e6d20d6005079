namespace QwenVL.Runtime.Cpu;

/// <summary>The element-wise activations of the vision tower.</summary>
public static class CpuActivations
{
    /// <summary>QuickGELU, x·σ(1.702x): the vision blocks' MLP activation.</summary>
    public static void QuickGelu(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = x[i] / (1f + MathF.Exp(-1.702f * x[i]));
    }

    /// <summary>Exact GELU, x·Φ(x) with erf (torch's nn.GELU default): the PatchMerger's activation.</summary>
    public static void Gelu(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++) x[i] = (float)(0.5 * x[i] * (1.0 + Erf(x[i] / Math.Sqrt(2.0))));
    }

    /// <summary>
    /// erf through the Chebyshev-fitted erfc of Numerical Recipes (fractional error below 1.2e-7
    /// everywhere), since .NET has none; float32 GELU needs no more.
    /// </summary>
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }
}
