using System.Net;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Cluster;

/// <summary>
/// Data parallelism with real processes on loopback: a frontend (no model) and workers (tiny fixture, CPU executor)
/// joined through Akka.Cluster, requests sent to the frontend's HTTP edge.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class ClusterProcessTests(ITestOutputHelper output)
{
    private const int Requests = 40;

    [Fact]
    public async Task Frontend_spreads_requests_over_two_workers_with_single_node_answers()
    {
        await using var cluster = ThreeNodes.Start();
        var (frontend, worker1, worker2) = (cluster.Frontend, cluster.Worker1, cluster.Worker2);
        await using var alone = NodeProcess.StartStandalone("standalone");
        await frontend.WaitUntilAsync(ServingReplicas(worker1, worker2), "/v1/cluster");
        await alone.WaitUntilAsync();

        var expected = await ClusterLoad.RunAsync(alone.Client, ClusterLoad.DistinctKinds, 4, 12, _ => false);
        var outcomes = await ClusterLoad.RunAsync(frontend.Client, Requests, 8, 12, i => i % 2 == 1);

        foreach (var outcome in outcomes)
        {
            Assert.True(outcome.Succeeded, $"request {outcome.Index}: {outcome.Status} {outcome.Error}\n{frontend.Output}");
            Assert.Equal(expected[outcome.Index % ClusterLoad.DistinctKinds].Content, outcome.Content);
        }
        var routed = await RoutedCountsAsync(frontend, worker1, worker2);
        output.WriteLine($"routed: worker-1 {routed[0]}, worker-2 {routed[1]}");
        Assert.All(routed, n => Assert.True(n > 0, $"a worker served none of the requests: {string.Join(", ", routed)}"));
        Assert.Equal(Requests, routed.Sum());
        await AssertFrontendPagesAsync(frontend, worker1, worker2);
    }

    /// <summary>The frontend serves the chat page, and its live stream has one entry per worker, named by its address.</summary>
    private static async Task AssertFrontendPagesAsync(NodeProcess frontend, params NodeProcess[] workers)
    {
        using (var page = await frontend.Client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var live = await frontend.Client.GetAsync("/v1/live", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var reader = new StreamReader(await live.Content.ReadAsStreamAsync(timeout.Token));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            using var doc = JsonDocument.Parse(line["data: ".Length..]);
            var replicas = doc.RootElement.GetProperty("replicas").EnumerateArray().Select(r => r.GetProperty("replica").GetString()).ToHashSet();
            if (workers.All(w => replicas.Contains(w.Address)))
            {
                Assert.Equal(workers.Length, replicas.Count);
                return;
            }
        }
        Assert.Fail("the frontend's live stream ended without listing every worker");
    }

    [Fact]
    public async Task Killing_a_worker_mid_load_ends_every_request_and_a_new_worker_joins()
    {
        await using var cluster = ThreeNodes.Start();
        var (frontend, worker1, worker2) = (cluster.Frontend, cluster.Worker1, cluster.Worker2);
        await frontend.WaitUntilAsync(ServingReplicas(worker1, worker2), "/v1/cluster");

        var killedAfter = TimeSpan.Zero;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var outcomes = await ClusterLoad.RunAsync(frontend.Client, Requests, 8, 48, i => i % 2 == 0, done =>
        {
            if (done == 6)
            {
                killedAfter = started.Elapsed;
                worker2.Kill();
            }
            return Task.CompletedTask;
        });

        int succeeded = outcomes.Count(o => o.Succeeded);
        output.WriteLine($"killed worker-2 after {killedAfter.TotalSeconds:F1} s; {succeeded} of {Requests} succeeded, slowest {outcomes.Max(o => o.Elapsed).TotalSeconds:F1} s");
        foreach (var failed in outcomes.Where(o => !o.Succeeded)) output.WriteLine($"request {failed.Index}: {failed.Status} {failed.Error}");
        Assert.All(outcomes, o => Assert.True(o.Elapsed < TimeSpan.FromSeconds(60), $"request {o.Index} took {o.Elapsed.TotalSeconds:F1} s"));
        Assert.All(outcomes.Where(o => !o.Succeeded), o => Assert.False(string.IsNullOrEmpty(o.Error), $"request {o.Index} failed without a reason"));
        Assert.True(succeeded >= Requests / 2, $"only {succeeded} requests succeeded:\n{frontend.Output}");
        Assert.True(frontend.HasExited == false && worker1.HasExited == false);

        await using var worker3 = NodeProcess.StartClustered("worker-3", "worker", NodeProcess.FreePort(), cluster.SeedPort);
        await frontend.WaitUntilAsync(ServingReplicas(worker1, worker3), "/v1/cluster");
        var after = await ClusterLoad.RunAsync(frontend.Client, 12, 6, 8, _ => false);
        Assert.All(after, o => Assert.True(o.Succeeded, $"request {o.Index} after the join: {o.Status} {o.Error}"));
        var routed = await RoutedCountsAsync(frontend, worker3);
        Assert.True(routed[0] > 0, $"the worker that joined later served nothing:\n{frontend.Output}");
    }

    /// <summary>Ready once /v1/cluster lists every one of <paramref name="workers"/> as serving.</summary>
    private static Func<HttpResponseMessage, Task<bool>> ServingReplicas(params NodeProcess[] workers) => async response =>
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var serving = doc.RootElement.GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("serving").GetBoolean()).Select(m => m.GetProperty("address").GetString()).ToHashSet();
        return workers.All(w => serving.Contains(w.Address));
    };

    private static async Task<long[]> RoutedCountsAsync(NodeProcess frontend, params NodeProcess[] workers)
    {
        // Reports arrive four times a second; wait for one made after the last request.
        await Task.Delay(TimeSpan.FromSeconds(1));
        using var response = await frontend.Client.GetAsync("/v1/cluster");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var members = doc.RootElement.GetProperty("members").EnumerateArray().ToArray();
        return workers.Select(w => members.Single(m => m.GetProperty("address").GetString() == w.Address)
            .GetProperty("load").GetProperty("served").GetInt64()).ToArray();
    }
}

/// <summary>A frontend (the seed, no model) and two workers joining it; disposing ends all three.</summary>
internal sealed record ThreeNodes(int SeedPort, NodeProcess Frontend, NodeProcess Worker1, NodeProcess Worker2) : IAsyncDisposable
{
    public static ThreeNodes Start()
    {
        int seedPort = NodeProcess.FreePort();
        return new ThreeNodes(seedPort, NodeProcess.StartClustered("frontend", "frontend", seedPort, seedPort),
            NodeProcess.StartClustered("worker-1", "worker", NodeProcess.FreePort(), seedPort),
            NodeProcess.StartClustered("worker-2", "worker", NodeProcess.FreePort(), seedPort));
    }

    public async ValueTask DisposeAsync()
    {
        await Frontend.DisposeAsync();
        await Worker1.DisposeAsync();
        await Worker2.DisposeAsync();
    }
}

/// <summary>The process tests run one at a time: each starts several servers on a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterProcessCollection
{
    public const string Name = "cluster processes";
}
