namespace QwenVL.Http.Bench;

/// <summary>
/// The requests `qwenvl bench profile` sends through the HTTP server to time the request path: text prompts of a few
/// lengths (in words) and prompts with one square picture of each size, each alone on an idle server,
/// <see cref="Warmup"/> untimed and <see cref="Repeats"/> timed for the median.
/// </summary>
public sealed record RequestPathPlan(IReadOnlyList<int> TextWords, IReadOnlyList<int> ImageSizes, int Warmup, int Repeats)
{
    public static RequestPathPlan For(bool gpu, bool quick) => (gpu, quick) switch
    {
        (true, false) => new([32, 320], [224, 448, 896], 3, 15),
        (true, true) => new([32, 320], [224, 448], 2, 5),
        (false, false) => new([32, 320], [224, 448], 2, 7),
        (false, true) => new([32, 320], [224, 448], 1, 3),
    };
}
