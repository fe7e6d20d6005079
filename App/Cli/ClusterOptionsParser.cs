using System.Globalization;
using QwenVL.Cluster;

namespace QwenVL.App.Cli;

/// <summary>
/// Reads serve's cluster flags: --cluster-host, --cluster-port, --seed-nodes (comma separated), --role worker|frontend and
/// --cluster-down-after SECONDS. None of them: the node runs alone (null). Every bad value is a <see cref="CliException"/>
/// naming its flag.
/// </summary>
public static class ClusterOptionsParser
{
    public const int DefaultPort = 2552;

    public static IEnumerable<string> Flags { get; } = ["cluster-host", "cluster-port", "seed-nodes", "role", "cluster-down-after"];

    public static ClusterSettings? Parse(CliOptions cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        if (!Flags.Any(f => cli.Optional(f) != null)) return null;
        var role = Role(cli.Optional("role"));
        var seeds = cli.Optional("seed-nodes") is { } list
            ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : throw new CliException($"--seed-nodes is needed to join a cluster (akka.tcp://{ClusterSettings.SystemName}@host:port,...; a node listing its own address first forms the cluster)");
        if (seeds.Length == 0) throw new CliException("--seed-nodes must name at least one node");
        foreach (var seed in seeds)
            if (ClusterSettings.SeedNodeError(seed) is { } error) throw new CliException($"--seed-nodes: {error}");
        var host = cli.Optional("cluster-host") ?? throw new CliException("--cluster-host is needed to join a cluster: the address other nodes reach this one at");
        if (host.Length == 0) throw new CliException("--cluster-host must not be empty");
        return new ClusterSettings(host, Port(cli.Optional("cluster-port")), seeds, role, DownAfter(cli.Optional("cluster-down-after")));
    }

    private static NodeRole Role(string? text) => text switch
    {
        null or "worker" => NodeRole.Worker,
        "frontend" => NodeRole.Frontend,
        _ => throw new CliException($"--role must be worker or frontend, got '{text}'"),
    };

    private static int Port(string? text)
    {
        if (text == null) return DefaultPort;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535
            ? port
            : throw new CliException($"--cluster-port must be a port number (0 to 65535), got '{text}'");
    }

    private static TimeSpan DownAfter(string? text)
    {
        if (text == null) return ClusterSettings.DefaultDownAfter;
        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) && seconds is > 0 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new CliException($"--cluster-down-after must be a number of seconds in (0, 3600], got '{text}'");
    }
}
