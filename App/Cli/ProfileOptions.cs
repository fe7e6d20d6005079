using QwenVL.Http.Configuration;

namespace QwenVL.App.Cli;

/// <summary>The settings of `qwenvl bench profile`; <see cref="Parse"/> reads them from its arguments.</summary>
public sealed record ProfileOptions
{
    /// <summary>The model and the executor's settings, read by serve's own parser so they mean what they do for serve.</summary>
    public required ServeOptions Serve { get; init; }

    /// <summary>--out: where the profile's JSON goes.</summary>
    public required string OutPath { get; init; }

    /// <summary>--quick: fewer, smaller steps and fewer repeats, for smoke runs; the fit is rougher.</summary>
    public bool Quick { get; init; }

    private static readonly string[] ServeValued = ["model", "device", "max-model-len", "block-size"];

    private static readonly CliSyntax Syntax = new(
        Switches: new HashSet<string>(StringComparer.Ordinal) { "quick" },
        Lists: new HashSet<string>(StringComparer.Ordinal),
        Valued: new HashSet<string>(ServeValued, StringComparer.Ordinal) { "out" });

    /// <summary>Every bad value is a <see cref="CliException"/>.</summary>
    public static ProfileOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var cli = CliOptions.Parse(args, Syntax);
        if (cli.Positionals.Count > 0) throw new CliException($"unexpected argument '{cli.Positionals[0]}'");
        cli.Required("model");
        var outPath = cli.Required("out");
        var directory = Path.GetDirectoryName(Path.GetFullPath(outPath));
        // Checked now, so that a mistyped folder fails before the sweep rather than after it.
        if (directory != null && !Directory.Exists(directory)) throw new CliException($"--out: the folder '{directory}' does not exist");
        var serveArgs = ServeValued.Where(name => cli.Optional(name) != null).SelectMany(name => new[] { "--" + name, cli.Optional(name)! }).ToArray();
        return new ProfileOptions
        {
            Serve = ServeOptionsParser.Parse(serveArgs, _ => null),
            OutPath = outPath,
            Quick = cli.Flag("quick"),
        };
    }
}
