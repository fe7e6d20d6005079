using QwenVL.Runtime.Hub;
using Xunit;

namespace QwenVL.Tests.Hub;

/// <summary>The token goes to the Hub as a bearer token; refusals say what was wrong and how to pass one.</summary>
public class HubAuthTests
{
    [Fact]
    public async Task The_token_is_sent_to_every_hub_request_when_set()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        hub.PrivateToken = "hf_secret";

        await cache.ResolveAsync(cache.Options(hub.Endpoint) with { Token = "hf_secret" });

        Assert.NotEmpty(hub.Requests);
        Assert.All(hub.Requests, r => Assert.Equal("Bearer hf_secret", r.Authorization));
    }

    [Fact]
    public async Task No_token_is_sent_when_none_is_set()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();

        await cache.ResolveAsync(cache.Options(hub.Endpoint));

        Assert.All(hub.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task A_gated_repo_without_a_token_says_how_to_pass_one()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        hub.GatedToken = "hf_granted";

        var e = await Assert.ThrowsAsync<HubException>(() => cache.ResolveAsync(cache.Options(hub.Endpoint)));

        Assert.Equal(HubFailure.Gated, e.Failure);
        Assert.Contains("gated", e.Message, StringComparison.Ordinal);
        Assert.Contains("--hf-token", e.Message, StringComparison.Ordinal);
        Assert.Contains("HF_TOKEN", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(cache.RepoDirectory, "blobs")) && Directory.EnumerateFiles(Path.Combine(cache.RepoDirectory, "blobs")).Any());
    }

    [Fact]
    public async Task A_gated_repo_with_a_token_without_access_says_the_token_lacks_access()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        hub.GatedToken = "hf_granted";

        var e = await Assert.ThrowsAsync<HubException>(() => cache.ResolveAsync(cache.Options(hub.Endpoint) with { Token = "hf_other" }));

        Assert.Equal(HubFailure.Gated, e.Failure);
        Assert.Contains("HTTP 403", e.Message, StringComparison.Ordinal);
        Assert.Contains("token sent has no access", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gated_repo_downloads_with_the_right_token()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        hub.GatedToken = "hf_granted";

        Assert.Equal(cache.SnapshotDirectory, await cache.ResolveAsync(cache.Options(hub.Endpoint) with { Token = "hf_granted" }));
    }

    [Fact]
    public async Task A_private_repo_without_a_token_is_reported_as_not_found_with_the_token_hint()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        hub.PrivateToken = "hf_secret";

        var e = await Assert.ThrowsAsync<HubException>(() => cache.ResolveAsync(cache.Options(hub.Endpoint)));

        Assert.Equal(HubFailure.RepoNotFound, e.Failure);
        Assert.Contains("HTTP 401", e.Message, StringComparison.Ordinal);
        Assert.Contains("--hf-token", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_request_falls_back_to_a_complete_cache_with_a_warning_as_huggingface_hub_does()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        await cache.ResolveAsync(cache.Options(hub.Endpoint));
        hub.PrivateToken = "hf_secret";
        var warnings = new List<string>();

        Assert.Equal(cache.SnapshotDirectory, await cache.ResolveAsync(cache.Options(hub.Endpoint), warnings: warnings));

        Assert.Contains("HTTP 401", Assert.Single(warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_repo_is_a_404_naming_the_repo()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        using var resolver = new ModelResolver(cache.Options(hub.Endpoint));

        var e = await Assert.ThrowsAsync<HubException>(() => resolver.ResolveAsync("qwen-test/no-such-model", null, CancellationToken.None));

        Assert.Equal(HubFailure.RepoNotFound, e.Failure);
        Assert.Contains("'qwen-test/no-such-model' was not found", e.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 404", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_revision_names_the_revision()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();

        var e = await Assert.ThrowsAsync<HubException>(() => cache.ResolveAsync(cache.Options(hub.Endpoint), "no-such-branch"));

        Assert.Equal(HubFailure.RevisionNotFound, e.Failure);
        Assert.Contains("'no-such-branch'", e.Message, StringComparison.Ordinal);
    }
}
