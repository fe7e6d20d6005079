using QwenVL.Cluster;
using Xunit;
using QwenVL.App.Cli;

namespace QwenVL.Tests.Cluster;

public class ClusterOptionsParserTests
{
    private static readonly string[] Model = ["/m"];

    private static QwenVL.Http.Configuration.ServeOptions Parse(params string[] args) =>
        ServeOptionsParser.Parse([.. Model, .. args], _ => null);

    [Fact]
    public void Without_cluster_flags_the_node_runs_alone() => Assert.Null(Parse().Cluster);

    [Fact]
    public void Cluster_flags_give_the_settings_with_defaults()
    {
        var cluster = Parse("--cluster-host", "10.0.0.5", "--seed-nodes", "akka.tcp://qwenvl@10.0.0.1:2552, akka.tcp://qwenvl@10.0.0.2:2552").Cluster!;
        Assert.Equal("10.0.0.5", cluster.Host);
        Assert.Equal(ClusterOptionsParser.DefaultPort, cluster.Port);
        Assert.Equal(["akka.tcp://qwenvl@10.0.0.1:2552", "akka.tcp://qwenvl@10.0.0.2:2552"], cluster.SeedNodes);
        Assert.Equal(NodeRole.Worker, cluster.Role);
        Assert.Equal(ClusterSettings.DefaultDownAfter, cluster.DownAfter);
    }

    [Fact]
    public void A_frontend_with_its_port_and_down_after()
    {
        var options = Parse("--cluster-host", "h", "--cluster-port", "4000", "--seed-nodes", "akka.tcp://qwenvl@h:4000", "--role", "frontend",
            "--cluster-down-after", "2.5");
        Assert.True(options.IsFrontend);
        Assert.Equal(4000, options.Cluster!.Port);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Cluster.DownAfter);
    }

    [Theory]
    [InlineData("--seed-nodes is needed", "--cluster-host", "h")]
    [InlineData("--cluster-host is needed", "--seed-nodes", "akka.tcp://qwenvl@h:1")]
    [InlineData("akka.tcp://qwenvl@host:port", "--cluster-host", "h", "--seed-nodes", "akka.tcp://other@h:1")]
    [InlineData("needs a host and a port", "--cluster-host", "h", "--seed-nodes", "akka.tcp://qwenvl@h")]
    [InlineData("--role must be worker or frontend", "--cluster-host", "h", "--seed-nodes", "akka.tcp://qwenvl@h:1", "--role", "router")]
    [InlineData("--cluster-port must be a port number", "--cluster-host", "h", "--seed-nodes", "akka.tcp://qwenvl@h:1", "--cluster-port", "x")]
    [InlineData("--cluster-down-after must be", "--cluster-host", "h", "--seed-nodes", "akka.tcp://qwenvl@h:1", "--cluster-down-after", "0")]
    public void Bad_cluster_flags_are_named(string message, params string[] args)
    {
        var error = Assert.Throws<CliException>(() => Parse(args));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_hocon_sets_provider_remoting_seeds_role_and_down_after()
    {
        var text = ClusterHocon.For(new ClusterSettings("127.0.0.1", 2600, ["akka.tcp://qwenvl@127.0.0.1:2600"], NodeRole.Frontend, TimeSpan.FromSeconds(3)));
        var config = Akka.Configuration.ConfigurationFactory.ParseString(text);
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal("127.0.0.1", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(2600, config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(["akka.tcp://qwenvl@127.0.0.1:2600"], config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal(["frontend"], config.GetStringList("akka.cluster.roles"));
        Assert.Equal(TimeSpan.FromSeconds(3), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
    }
}
