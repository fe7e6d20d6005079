namespace QwenVL.App.Cli;

/// <summary>`--name value` and `--flag` options of a subcommand.</summary>
public sealed class CliOptions
{
    private readonly Dictionary<string, string?> _values;
    private readonly Dictionary<string, List<string>> _lists;

    private CliOptions(Dictionary<string, string?> values, Dictionary<string, List<string>> lists, IReadOnlyList<string> positionals)
    {
        _values = values;
        _lists = lists;
        Positionals = positionals;
    }

    /// <summary>Bare arguments, in order; only <see cref="Parse(string[], CliSyntax)"/> accepts them.</summary>
    public IReadOnlyList<string> Positionals { get; }

    /// <summary>The option names given, list options included.</summary>
    public IEnumerable<string> Names => _values.Keys.Concat(_lists.Keys);

    /// <summary>
    /// Every option may take one value (the next argument unless it starts with --); bare arguments are an error.
    /// </summary>
    public static CliOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) throw new CliException($"unexpected argument '{arg}'");
            var name = arg[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) (name, value) = (name[..eq], name[(eq + 1)..]);
            else if (i + 1 < args.Length && (!args[i + 1].StartsWith("--", StringComparison.Ordinal) || args[i + 1] == "-")) value = args[++i];
            values[name] = value;
        }
        return new CliOptions(values, [], []);
    }

    /// <summary>
    /// Parses as argparse does for a command whose options are known: switches never take a value, list options take
    /// every argument up to the next option, other options exactly one; bare arguments become <see cref="Positionals"/>.
    /// Underscores in names read as dashes (vLLM accepts both). Unknown options are an error.
    /// </summary>
    public static CliOptions Parse(string[] args, CliSyntax syntax)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(syntax);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var positionals = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg == "--")
            {
                positionals.Add(arg);
                continue;
            }
            var name = arg[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) (name, inline) = (name[..eq], name[(eq + 1)..]);
            name = name.Replace('_', '-');
            if (syntax.Switches.Contains(name))
            {
                if (inline != null) throw new CliException($"--{name} takes no value");
                values[name] = null;
            }
            else if (syntax.Lists.Contains(name))
            {
                var list = new List<string>();
                if (inline != null) list.Add(inline);
                else while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) list.Add(args[++i]);
                if (list.Count == 0) throw new CliException($"--{name} needs at least one value");
                lists[name] = list;
            }
            else if (syntax.Valued.Contains(name))
            {
                if (inline == null && (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
                    throw new CliException($"--{name} needs a value");
                values[name] = inline ?? args[++i];
            }
            else
            {
                throw new CliException($"unknown option --{name}");
            }
        }
        return new CliOptions(values, lists, positionals);
    }

    public string Required(string name) =>
        _values.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : throw new CliException($"--{name} is required");

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    /// <summary>The values of a list option; empty when it was not given.</summary>
    public IReadOnlyList<string> List(string name) => _lists.TryGetValue(name, out var list) ? list : [];

    public int? Int(string name)
    {
        var v = Optional(name);
        if (v == null) return null;
        return int.TryParse(v, out var n) && n > 0 ? n : throw new CliException($"--{name} must be a positive integer, got '{v}'");
    }

    public bool Flag(string name) => _values.ContainsKey(name);
}

/// <summary>The options a command knows, by how many values each takes.</summary>
public sealed record CliSyntax(IReadOnlySet<string> Switches, IReadOnlySet<string> Lists, IReadOnlySet<string> Valued);
