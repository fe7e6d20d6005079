using QwenVL.Runtime.Hub;
using Xunit;

namespace QwenVL.Tests.Hub;

/// <summary>HF_HUB_OFFLINE and a Hub that does not answer: a complete cache serves, an incomplete one fails naming what it lacks.</summary>
public class HubOfflineTests
{
    /// <summary>Nothing listens on port 1 of the loopback: connections are refused at once.</summary>
    private const string NoHub = "http://127.0.0.1:1";

    private static async Task FillAsync(HubTestCache cache)
    {
        await using var hub = await FakeHub.StartAsync();
        await cache.ResolveAsync(cache.Options(hub.Endpoint));
    }

    [Fact]
    public async Task Offline_with_a_complete_cache_resolves_without_a_request()
    {
        using var cache = new HubTestCache();
        await FillAsync(cache);
        await using var hub = await FakeHub.StartAsync();

        var directory = await cache.ResolveAsync(cache.Options(hub.Endpoint) with { Offline = true });

        Assert.Equal(cache.SnapshotDirectory, directory);
        Assert.Empty(hub.Requests);
    }

    [Fact]
    public async Task Offline_with_an_incomplete_cache_fails_naming_the_missing_files()
    {
        using var cache = new HubTestCache();
        await FillAsync(cache);
        File.Delete(Path.Combine(cache.SnapshotDirectory, "model.safetensors"));
        File.Delete(Path.Combine(cache.SnapshotDirectory, "tokenizer.json"));

        var e = await Assert.ThrowsAsync<HubException>(() => cache.ResolveAsync(cache.Options(NoHub) with { Offline = true }));

        Assert.Equal(HubFailure.NotInCache, e.Failure);
        Assert.Contains("HF_HUB_OFFLINE", e.Message, StringComparison.Ordinal);
        Assert.Contains("lacks tokenizer.json, model.safetensors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_with_an_empty_cache_fails_naming_what_is_needed()
    {
        using var cache = new HubTestCache();

        var e = await Assert.ThrowsAsync<HubException>(() => cache.ResolveAsync(cache.Options(NoHub) with { Offline = true }));

        Assert.Equal(HubFailure.NotInCache, e.Failure);
        Assert.Contains("no snapshot", e.Message, StringComparison.Ordinal);
        Assert.Contains("config.json, tokenizer.json, model.safetensors", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offline_a_link_to_a_missing_blob_counts_as_missing()
    {
        using var cache = new HubTestCache();
        await FillAsync(cache);
        File.Delete(Path.Combine(cache.RepoDirectory, "blobs", FakeHubRepo.Files["config.json"].Etag));

        var e = await Assert.ThrowsAsync<HubException>(() => cache.ResolveAsync(cache.Options(NoHub) with { Offline = true }));

        Assert.Contains("lacks config.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_network_a_complete_cache_is_used_with_a_warning()
    {
        using var cache = new HubTestCache();
        await FillAsync(cache);
        var warnings = new List<string>();

        var directory = await cache.ResolveAsync(cache.Options(NoHub), warnings: warnings);

        Assert.Equal(cache.SnapshotDirectory, directory);
        var warning = Assert.Single(warnings);
        Assert.Contains("cannot reach", warning, StringComparison.Ordinal);
        Assert.Contains("using the cached snapshot", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_network_an_incomplete_cache_fails_naming_the_missing_files_and_how_to_go_offline()
    {
        using var cache = new HubTestCache();
        await FillAsync(cache);
        File.Delete(Path.Combine(cache.SnapshotDirectory, "model.safetensors"));

        var e = await Assert.ThrowsAsync<HubException>(() => cache.ResolveAsync(cache.Options(NoHub)));

        Assert.Equal(HubFailure.Unreachable, e.Failure);
        Assert.Contains("cannot reach http://127.0.0.1:1", e.Message, StringComparison.Ordinal);
        Assert.Contains("lacks model.safetensors", e.Message, StringComparison.Ordinal);
        Assert.Contains("HF_HUB_OFFLINE=1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hub_answering_503_is_treated_as_unreachable()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        hub.Down = true;

        var e = await Assert.ThrowsAsync<HubException>(() => cache.ResolveAsync(cache.Options(hub.Endpoint)));

        Assert.Equal(HubFailure.Unreachable, e.Failure);
        Assert.Contains("HTTP 503", e.Message, StringComparison.Ordinal);
        Assert.Contains("no snapshot", e.Message, StringComparison.Ordinal);
    }
}
