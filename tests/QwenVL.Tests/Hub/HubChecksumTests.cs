using QwenVL.Runtime.Hub;
using Xunit;

namespace QwenVL.Tests.Hub;

/// <summary>A blob lands in the cache only with the hash the Hub lists; a corrupt one is discarded and fetched once more.</summary>
public class HubChecksumTests
{
    [Fact]
    public async Task A_corrupt_blob_is_caught_by_its_sha256_discarded_and_downloaded_again()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        hub.CorruptNextDownloads(1);
        var warnings = new List<string>();

        await cache.ResolveAsync(cache.Options(hub.Endpoint), warnings: warnings);

        Assert.Equal(2, hub.Downloads.Count(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)));
        Assert.Equal(FakeHubRepo.Weights.Content, await File.ReadAllBytesAsync(Path.Combine(cache.SnapshotDirectory, "model.safetensors")));
        Assert.Contains(warnings, w => w.Contains("corrupt", StringComparison.Ordinal) && w.Contains(FakeHubRepo.Weights.Sha256, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_blob_corrupt_twice_fails_and_leaves_nothing_in_the_cache()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        hub.CorruptNextDownloads(2);

        var e = await Assert.ThrowsAsync<HubException>(() => cache.ResolveAsync(cache.Options(hub.Endpoint)));

        Assert.Equal(HubFailure.ChecksumMismatch, e.Failure);
        Assert.Contains("model.safetensors", e.Message, StringComparison.Ordinal);
        var blob = Path.Combine(cache.RepoDirectory, "blobs", FakeHubRepo.Weights.Etag);
        Assert.False(File.Exists(blob));
        Assert.False(File.Exists(blob + ".incomplete"));
        Assert.False(File.Exists(Path.Combine(cache.SnapshotDirectory, "model.safetensors")));
    }
}
