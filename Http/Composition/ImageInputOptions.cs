using QwenVL.Http.Cli;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Vision;

namespace QwenVL.Http.Composition;

/// <summary>
/// The server's image settings, from the command line: where images may come from (<see cref="Sources"/>, for
/// <see cref="ImageInputPreparer"/>), how many one request may carry (<see cref="Limits"/>) and the pixel bounds
/// that override the model's preprocessor_config.json (<see cref="MinPixels"/>, <see cref="MaxPixels"/>).
/// </summary>
public sealed record ImageInputOptions(ImageSourcePolicy Sources, MultimodalLimits Limits, int? MinPixels = null, int? MaxPixels = null)
{
    public static ImageInputOptions Default { get; } = new(new ImageSourcePolicy(), MultimodalLimits.None);

    /// <summary>
    /// --allowed-local-media-path DIR, --limit-mm-per-prompt JSON, --disable-remote-media, --min-pixels N,
    /// --max-pixels N; bad values are a <see cref="CliException"/> naming the option.
    /// </summary>
    public static ImageInputOptions FromCli(CliOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sources = new ImageSourcePolicy
        {
            AllowRemote = !options.Flag("disable-remote-media"),
            AllowedLocalMediaPath = LocalMediaPath(ValueOf(options, "allowed-local-media-path")),
        };
        var limits = MultimodalLimits.None;
        if (ValueOf(options, "limit-mm-per-prompt") is { } json)
        {
            try
            {
                limits = MultimodalLimits.Parse(json);
            }
            catch (FormatException e)
            {
                throw new CliException($"--limit-mm-per-prompt: {e.Message}");
            }
        }
        int? min = options.Int("min-pixels");
        int? max = options.Int("max-pixels");
        if (min > max) throw new CliException($"--min-pixels ({min}) must not be above --max-pixels ({max})");
        return new ImageInputOptions(sources, limits, min, max);
    }

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

    /// <summary>The option's value; null when the option is absent, an error when it is present without one.</summary>
    private static string? ValueOf(CliOptions options, string name)
    {
        var value = options.Optional(name);
        if (value == null && options.Flag(name)) throw new CliException($"--{name} needs a value");
        return value;
    }

    private static string? LocalMediaPath(string? path)
    {
        if (path == null) return null;
        if (path.Length == 0 || !Directory.Exists(path))
            throw new CliException($"--allowed-local-media-path {path} is not a directory");
        return Path.GetFullPath(path);
    }
}
