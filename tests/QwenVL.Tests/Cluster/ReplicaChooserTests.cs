using QwenVL.Cluster.Routing;
using Xunit;

namespace QwenVL.Tests.Cluster;

public class ReplicaChooserTests
{
    private static ReplicaCandidate Replica(string node, int own = 0, int others = 0, double kv = 0, bool local = false) =>
        new(node, local, own, others, kv);

    [Fact]
    public void The_least_loaded_replica_is_chosen()
    {
        var chosen = ReplicaChooser.Choose([Replica("a", own: 3), Replica("b", own: 1, others: 1), Replica("c", own: 2, others: 2)]);
        Assert.Equal("b", chosen!.Node);
    }

    [Fact]
    public void Other_nodes_requests_count_as_load()
    {
        var chosen = ReplicaChooser.Choose([Replica("a", own: 1, others: 3), Replica("b", own: 2)]);
        Assert.Equal("b", chosen!.Node);
    }

    [Fact]
    public void On_a_tie_the_local_replica_wins_then_the_emptier_cache_then_the_address()
    {
        Assert.Equal("z", ReplicaChooser.Choose([Replica("a", own: 1), Replica("z", own: 1, local: true)])!.Node);
        Assert.Equal("b", ReplicaChooser.Choose([Replica("a", own: 1, kv: 0.5), Replica("b", own: 1, kv: 0.2)])!.Node);
        Assert.Equal("a", ReplicaChooser.Choose([Replica("b"), Replica("a")])!.Node);
    }

    [Fact]
    public void No_candidates_choose_nothing() => Assert.Null(ReplicaChooser.Choose([]));

    [Fact]
    public void A_burst_alternates_between_idle_replicas_as_requests_are_counted()
    {
        var sent = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };
        for (int i = 0; i < 10; i++)
        {
            var chosen = ReplicaChooser.Choose(sent.Select(s => Replica(s.Key, own: s.Value)))!;
            sent[chosen.Node]++;
        }
        Assert.Equal(5, sent["a"]);
        Assert.Equal(5, sent["b"]);
    }
}
