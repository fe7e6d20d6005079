using QwenVL.Cluster.Routing;
using Xunit;

namespace QwenVL.Tests.Cluster;

public class ReplicaChooserTests
{
    private static ReplicaCandidate Replica(string node, int running = 0, int waiting = 0, double kv = 0, int sent = 0, bool local = false) =>
        new(node, local, running, waiting, kv, sent);

    [Fact]
    public void The_least_loaded_replica_is_chosen()
    {
        var chosen = ReplicaChooser.Choose([Replica("a", running: 3), Replica("b", running: 1, waiting: 1), Replica("c", running: 2, waiting: 2)]);
        Assert.Equal("b", chosen!.Node);
    }

    [Fact]
    public void Requests_sent_since_the_last_report_count_as_load()
    {
        var chosen = ReplicaChooser.Choose([Replica("a", running: 1, sent: 3), Replica("b", running: 2)]);
        Assert.Equal("b", chosen!.Node);
    }

    [Fact]
    public void On_a_tie_the_local_replica_wins_then_the_emptier_cache_then_the_address()
    {
        Assert.Equal("z", ReplicaChooser.Choose([Replica("a", running: 1), Replica("z", running: 1, local: true)])!.Node);
        Assert.Equal("b", ReplicaChooser.Choose([Replica("a", running: 1, kv: 0.5), Replica("b", running: 1, kv: 0.2)])!.Node);
        Assert.Equal("a", ReplicaChooser.Choose([Replica("b"), Replica("a")])!.Node);
    }

    [Fact]
    public void No_candidates_choose_nothing() => Assert.Null(ReplicaChooser.Choose([]));

    [Fact]
    public void A_burst_alternates_between_idle_replicas_as_sends_are_counted()
    {
        var sent = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };
        for (int i = 0; i < 10; i++)
        {
            var chosen = ReplicaChooser.Choose(sent.Select(s => Replica(s.Key, sent: s.Value)))!;
            sent[chosen.Node]++;
        }
        Assert.Equal(5, sent["a"]);
        Assert.Equal(5, sent["b"]);
    }
}
