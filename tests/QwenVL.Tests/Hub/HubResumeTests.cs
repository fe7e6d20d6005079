using QwenVL.Runtime.Hub;
using Xunit;

namespace QwenVL.Tests.Hub;

/// <summary>Interrupted downloads go on from the last byte written, in the same run and in the next one.</summary>
public class HubResumeTests
{
    private static string BlobPath(HubTestCache cache) => Path.Combine(cache.RepoDirectory, "blobs", FakeHubRepo.Weights.Etag);

    /// <summary>N of a "bytes=N-" request; 0 without a Range.</summary>
    private static long RangeStart(FakeHubRequest request) =>
        request.Range is { } range ? long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture) : 0;

    [Fact]
    public async Task A_download_cut_in_the_middle_resumes_with_a_range_request()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        hub.CutNextDownloads(1);
        var warnings = new List<string>();

        await cache.ResolveAsync(cache.Options(hub.Endpoint), warnings: warnings);

        var blobGets = hub.Downloads.Where(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, blobGets.Count);
        Assert.Null(blobGets[0].Range);
        // From the last byte that arrived: half the file, less what the reset of the connection dropped.
        Assert.InRange(RangeStart(blobGets[1]), 1, FakeHubRepo.Weights.Content.Length / 2);
        Assert.Equal(FakeHubRepo.Weights.Content, await File.ReadAllBytesAsync(BlobPath(cache)));
        Assert.Contains(warnings, w => w.Contains("model.safetensors", StringComparison.Ordinal) && w.Contains("resuming", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_part_left_by_an_earlier_run_is_resumed_not_downloaded_again()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        Directory.CreateDirectory(Path.GetDirectoryName(BlobPath(cache))!);
        int part = 1_000_000;
        await File.WriteAllBytesAsync(BlobPath(cache) + ".incomplete", FakeHubRepo.Weights.Content[..part]);

        await cache.ResolveAsync(cache.Options(hub.Endpoint));

        var blobGet = Assert.Single(hub.Downloads, r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal));
        Assert.Equal($"bytes={part}-", blobGet.Range);
        Assert.Equal(FakeHubRepo.Weights.Content, await File.ReadAllBytesAsync(BlobPath(cache)));
        Assert.False(File.Exists(BlobPath(cache) + ".incomplete"));
    }

    [Fact]
    public async Task A_server_that_ignores_the_range_gets_the_file_started_over()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        Directory.CreateDirectory(Path.GetDirectoryName(BlobPath(cache))!);
        await File.WriteAllBytesAsync(BlobPath(cache) + ".incomplete", FakeHubRepo.Weights.Content[..1000]);
        hub.IgnoreRange = true;

        await cache.ResolveAsync(cache.Options(hub.Endpoint));

        Assert.Equal(FakeHubRepo.Weights.Content, await File.ReadAllBytesAsync(BlobPath(cache)));
    }

    [Fact]
    public async Task A_download_that_keeps_breaking_fails_and_keeps_its_part_for_the_next_start()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        var options = cache.Options(hub.Endpoint) with { MaxResumeAttempts = 2 };
        hub.CutNextDownloads(1);
        hub.RefuseRanges = true;

        var e = await Assert.ThrowsAsync<HubException>(() => cache.ResolveAsync(options));

        Assert.Equal(HubFailure.Unreachable, e.Failure);
        Assert.Contains("model.safetensors", e.Message, StringComparison.Ordinal);
        Assert.Contains("resume", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(BlobPath(cache)));
        Assert.False(File.Exists(Path.Combine(cache.SnapshotDirectory, "model.safetensors")));
        long kept = new FileInfo(BlobPath(cache) + ".incomplete").Length;
        Assert.InRange(kept, 1, FakeHubRepo.Weights.Content.Length / 2);
        // The first try and two resumes, all refused.
        Assert.Equal(3, hub.Downloads.Count(r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal)));

        hub.RefuseRanges = false;
        await cache.ResolveAsync(cache.Options(hub.Endpoint));

        Assert.Equal($"bytes={kept}-", hub.Downloads[^1].Range);
        Assert.Equal(FakeHubRepo.Weights.Content, await File.ReadAllBytesAsync(Path.Combine(cache.SnapshotDirectory, "model.safetensors")));
    }
}
