namespace QwenVL.Bench.CostModel;

/// <summary>
/// The modelled time a request spends outside the steps under a <see cref="StepCostProfile"/>: its fixed overhead
/// plus its pictures' preparation. A simulation delays each request's submission by it, so that its TTFT, as a client
/// measures it, includes what the HTTP edge and the preparation of its prompt cost. Picture costs are interpolated
/// linearly between the profile's measured sizes (from nothing at 0 pixels) and extended beyond the largest by the
/// last segment's slope: the measured cost per pixel grows with the picture (on the H100, 0.14 µs a pixel at 224×224,
/// 0.07 at 672×672 after the fixed costs), so one straight line through all sizes misstates each of them.
/// </summary>
public static class RequestCost
{
    public static TimeSpan Duration(StepCostProfile profile, long imagePixels) =>
        TimeSpan.FromMilliseconds(Milliseconds(profile, imagePixels));

    public static double Milliseconds(StepCostProfile profile, long imagePixels)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentOutOfRangeException.ThrowIfNegative(imagePixels);
        return profile.RequestOverheadMs + ImageMilliseconds(profile.ImageCosts, imagePixels);
    }

    private static double ImageMilliseconds(IReadOnlyList<ImageCost> costs, long pixels)
    {
        if (pixels == 0 || costs.Count == 0) return 0;
        var below = new ImageCost(0, 0);
        for (int i = 0; i < costs.Count; i++)
        {
            var above = costs[i];
            if (pixels <= above.Pixels || i == costs.Count - 1)
                return below.Ms + (above.Ms - below.Ms) * (pixels - below.Pixels) / (above.Pixels - below.Pixels);
            below = above;
        }
        return below.Ms;
    }
}
