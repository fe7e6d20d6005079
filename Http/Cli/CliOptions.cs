namespace QwenVL.Http.Cli;

/// <summary>`--name value` and `--flag` options of a subcommand.</summary>
public sealed class CliOptions
{
    private readonly Dictionary<string, string?> _values;

    private CliOptions(Dictionary<string, string?> values) => _values = values;

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
        return new CliOptions(values);
    }

    public string Required(string name) =>
        _values.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : throw new CliException($"--{name} is required");

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public int? Int(string name)
    {
        var v = Optional(name);
        if (v == null) return null;
        return int.TryParse(v, out var n) && n > 0 ? n : throw new CliException($"--{name} must be a positive integer, got '{v}'");
    }

    public bool Flag(string name) => _values.ContainsKey(name);
}
