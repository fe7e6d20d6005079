namespace QwenVL.Bench.Profile;

/// <summary>
/// The requests `qwenvl bench profile` sends through the HTTP server to time the request path: text prompts of a few
/// lengths (in words) and prompts with one square picture of each size, each alone on an idle server,
/// <see cref="Warmup"/> untimed and <see cref="Repeats"/> timed for the median. The pictures' patch grids are among
/// those <see cref="ProfilePlan"/> times (224, 448 and 672 pixels are 16, 32 and 48 patches a side): the request path
/// is what is left after the modelled first step, so a picture beyond the sweep would charge the vision tower's
/// growth past it (its attention is quadratic in a picture's patches) to the request path.
/// </summary>
public sealed record RequestPathPlan(IReadOnlyList<int> TextWords, IReadOnlyList<int> ImageSizes, int Warmup, int Repeats)
{
    public static RequestPathPlan For(bool gpu, bool quick) => (gpu, quick) switch
    {
        (true, false) => new([32, 320], [224, 448, 672], 3, 15),
        (true, true) => new([32, 320], [224, 448], 2, 5),
        (false, false) => new([32, 320], [224, 448], 2, 7),
        (false, true) => new([32, 320], [224, 448], 1, 3),
    };
}
