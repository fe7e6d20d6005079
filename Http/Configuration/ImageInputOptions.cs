using QwenVL.Runtime.Model;
using QwenVL.Runtime.Vision;

namespace QwenVL.Http.Configuration;

/// <summary>
/// The server's image settings, from the command line: where images may come from (<see cref="Sources"/>, for
/// <see cref="ImageInputPreparer"/>), how many one request may carry (<see cref="Limits"/>) and the pixel bounds
/// that override the model's preprocessor_config.json (<see cref="MinPixels"/>, <see cref="MaxPixels"/>).
/// </summary>
public sealed record ImageInputOptions(ImageSourcePolicy Sources, MultimodalLimits Limits, int? MinPixels = null, int? MaxPixels = null)
{
    public static ImageInputOptions Default { get; } = new(new ImageSourcePolicy(), MultimodalLimits.None);

    /// <summary>
    /// The bounds every image is clamped into: the command line's over the model's. One bound given alone pulls the
    /// other along when they would cross (--max-pixels below the model's min_pixels lowers the min too).
    /// </summary>
    public PixelBounds ServerPixelBounds(PreprocessorConfig preprocessor)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        int min = MinPixels ?? preprocessor.MinPixels;
        int max = MaxPixels ?? preprocessor.MaxPixels;
        if (MinPixels == null) min = Math.Min(min, max);
        if (MaxPixels == null) max = Math.Max(min, max);
        return new PixelBounds(min, max);
    }
}
