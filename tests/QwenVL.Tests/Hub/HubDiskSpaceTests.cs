using QwenVL.Runtime.Hub;
using Xunit;

namespace QwenVL.Tests.Hub;

/// <summary>A download that cannot fit is refused before it starts, naming the space needed and the way out.</summary>
public class HubDiskSpaceTests
{
    [Fact]
    public async Task A_disk_without_room_for_a_file_fails_before_downloading_it()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        // Room for the small files only.
        using var resolver = new ModelResolver(cache.Options(hub.Endpoint), freeSpace: _ => 10L << 20);

        var e = await Assert.ThrowsAsync<HubException>(() => resolver.ResolveAsync(FakeHubRepo.Id, null, CancellationToken.None));

        Assert.Equal(HubFailure.DiskFull, e.Failure);
        Assert.Contains("not enough disk space for 'model.safetensors'", e.Message, StringComparison.Ordinal);
        Assert.Contains("HF_HUB_CACHE", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.Downloads, r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal));
    }
}
