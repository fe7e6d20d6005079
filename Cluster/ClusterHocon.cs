using System.Globalization;
using System.Text;

namespace QwenVL.Cluster;

/// <summary>
/// The settings a node adds over config/akka.hocon when it joins a cluster: the cluster provider, remoting on the
/// given host and port, the seed nodes, its role, and the split-brain resolver's timing. Without them the actor
/// system stays local, as a single node has always run.
/// </summary>
public static class ClusterHocon
{
    public static string For(ClusterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var seeds = string.Join(", ", settings.SeedNodes.Select(Quote));
        var text = new StringBuilder();
        text.AppendLine("akka.actor.provider = cluster");
        text.AppendLine(CultureInfo.InvariantCulture, $"akka.remote.dot-netty.tcp.hostname = {Quote(settings.Host)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"akka.remote.dot-netty.tcp.port = {settings.Port}");
        text.AppendLine(CultureInfo.InvariantCulture, $"akka.cluster.seed-nodes = [{seeds}]");
        text.AppendLine(CultureInfo.InvariantCulture, $"akka.cluster.roles = [{settings.RoleName}]");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"akka.cluster.split-brain-resolver.stable-after = {settings.DownAfter.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)}ms");
        return text.ToString();
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
