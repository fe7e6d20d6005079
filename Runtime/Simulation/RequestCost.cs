namespace QwenVL.Runtime.Simulation;

/// <summary>
/// The modelled time a request spends outside the steps under a <see cref="StepCostProfile"/>: its fixed overhead
/// plus its images' decoding by the pixel. A simulation delays each request's submission by it, so that its TTFT, as
/// a client measures it, includes what the HTTP edge and the preparation of its prompt cost.
/// </summary>
public static class RequestCost
{
    public static TimeSpan Duration(StepCostProfile profile, long imagePixels) =>
        TimeSpan.FromMilliseconds(Milliseconds(profile, imagePixels));

    public static double Milliseconds(StepCostProfile profile, long imagePixels)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentOutOfRangeException.ThrowIfNegative(imagePixels);
        return profile.RequestOverheadMs + imagePixels / 1e6 * profile.ImageMsPerMegapixel;
    }
}
