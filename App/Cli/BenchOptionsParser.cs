using QwenVL.Bench.Workloads;

namespace QwenVL.App.Cli;

/// <summary>
/// Reads `qwenvl bench` arguments. The options that size the replica go through serve's own parser, so they mean and
/// check exactly what they do for `serve`; options only serve has (--port, --api-key, ...) are refused here. The
/// workload comes as --workload or as the first bare argument. Every bad value is a <see cref="CliException"/>.
/// </summary>
public static class BenchOptionsParser
{
    public const string AllWorkloads = "all";

    private static readonly HashSet<string> ServeSwitches = new(StringComparer.Ordinal) { "enable-prefix-caching", "no-enable-prefix-caching", "enforce-eager" };

    private static readonly HashSet<string> ServeValued = new(StringComparer.Ordinal)
    {
        "model", "device", "max-model-len", "block-size", "max-num-seqs", "max-num-batched-tokens", "kv-cache-memory",
        "gpu-memory-utilization", "revision", "hf-token", "download-dir",
    };

    public static CliSyntax Syntax { get; } = new(
        Switches: new HashSet<string>(ServeSwitches, StringComparer.Ordinal),
        Lists: new HashSet<string>(StringComparer.Ordinal),
        Valued: new HashSet<string>(ServeValued, StringComparer.Ordinal) { "workload", "json", "requests", "new-tokens" });

    public static BenchOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var cli = CliOptions.Parse(args, Syntax);
        var workloads = Workloads(cli);
        cli.Required("model");
        return new BenchOptions
        {
            Serve = ServeOptionsParser.Parse(ServeArguments(cli), _ => null),
            Workloads = workloads,
            JsonPath = cli.Optional("json") is { } json ? JsonPath(json) : null,
            Requests = cli.Int("requests"),
            NewTokens = cli.Int("new-tokens"),
            CommandLine = CommandLineText(args),
        };
    }

    private static IReadOnlyList<string> Workloads(CliOptions cli)
    {
        if (cli.Positionals.Count > 1) throw new CliException($"unexpected argument '{cli.Positionals[1]}'");
        var positional = cli.Positionals.Count == 1 ? cli.Positionals[0] : null;
        var flag = cli.Optional("workload");
        if (positional != null && flag != null && positional != flag)
            throw new CliException($"the workload is given twice ('{positional}' and --workload {flag}); give it once");
        var name = positional ?? flag ?? AllWorkloads;
        if (name == AllWorkloads) return BenchWorkloads.Names;
        if (BenchWorkloads.Names.Contains(name)) return [name];
        throw new CliException($"unknown workload '{name}': expected {string.Join(", ", BenchWorkloads.Names)} or {AllWorkloads}");
    }

    /// <summary>The sizing options again as arguments, for serve's parser.</summary>
    private static string[] ServeArguments(CliOptions cli)
    {
        var args = new List<string>();
        foreach (var name in cli.Names)
        {
            if (ServeSwitches.Contains(name)) args.Add("--" + name);
            else if (ServeValued.Contains(name)) args.AddRange(["--" + name, cli.Optional(name)!]);
        }
        return args.ToArray();
    }

    /// <summary>Checked now, so that a mistyped folder fails before the run rather than after it.</summary>
    private static string JsonPath(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory != null && !Directory.Exists(directory)) throw new CliException($"--json: the folder '{directory}' does not exist");
        return path;
    }

    private static string CommandLineText(string[] args)
    {
        var words = new List<string> { "qwenvl", "bench" };
        for (int i = 0; i < args.Length; i++)
        {
            var word = args[i];
            if (i > 0 && args[i - 1] is "--hf-token" or "--hf_token") word = "***";
            else if (word.StartsWith("--hf-token=", StringComparison.Ordinal) || word.StartsWith("--hf_token=", StringComparison.Ordinal))
                word = word[..(word.IndexOf('=') + 1)] + "***";
            words.Add(Quote(word));
        }
        return string.Join(' ', words);

        // Shell quoting, so the line can be pasted back.
        static string Quote(string word) =>
            word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_=./:,@+".Contains(c))
                ? word
                : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
