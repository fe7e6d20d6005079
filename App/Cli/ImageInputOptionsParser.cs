using QwenVL.Http.Configuration;
using QwenVL.Http.Server;
using QwenVL.Runtime.Vision;

namespace QwenVL.App.Cli;

/// <summary>The image options `serve` and `generate` share, read from their command lines.</summary>
public static class ImageInputOptionsParser
{
    /// <summary>
    /// --allowed-local-media-path DIR, --limit-mm-per-prompt JSON, --disable-remote-media, --min-pixels N,
    /// --max-pixels N; bad values are a <see cref="CliException"/> naming the option.
    /// </summary>
    public static ImageInputOptions Parse(CliOptions options)
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
