using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using QwenVL.Tests.Http;
using Xunit;
using QwenVL.App.Cli;
using QwenVL.App.Composition;

namespace QwenVL.Tests.Hub;

/// <summary>A repo id resolves through a fake Hub into an empty cache, then serves; a second start downloads nothing.</summary>
public class HubDownloadTests
{
    [Fact]
    public async Task First_start_downloads_into_an_empty_cache_and_serves_under_the_repo_id()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        var log = new ConcurrentQueue<string>();
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(new LineLoggerProvider(log)));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var directory = await ModelResolution.ResolveAsync(FakeHubRepo.Id, null, cache.Options(hub.Endpoint), loggers, terminal: null, timeout.Token);

        Assert.Equal(cache.SnapshotDirectory, directory);
        Assert.Contains(log, l => l.StartsWith($"Downloading 7 files (", StringComparison.Ordinal) && l.Contains($"commit {FakeHubRepo.Commit}", StringComparison.Ordinal));
        // Each file's progress ends with its size, time and rate; the summary comes after them.
        foreach (var name in FakeHubRepo.ServedFileNames) Assert.Contains(log, l => l.StartsWith($"{name}: ", StringComparison.Ordinal) && l.Contains(" in ", StringComparison.Ordinal));
        Assert.StartsWith("Downloaded 7 files (", log.Last(), StringComparison.Ordinal);
        using var model = LoadedModel.Open(directory, maxModelLength: 2048, name: FakeHubRepo.Id);
        await using var server = await EdgeServer.StartLiveAsync(model,
            o => o with { Model = FakeHubRepo.Id, ServedModelNames = [], KvCacheMemoryBytes = 8L << 20, MaxModelLen = 2048 });
        var response = await server.PostJsonAsync("/v1/chat/completions",
            $$"""{"model":"{{FakeHubRepo.Id}}","messages":[{"role":"user","content":"hello"}],"max_tokens":4}""", timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(FakeHubRepo.Id, json.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Only_the_files_the_server_reads_are_downloaded()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();

        await cache.ResolveAsync(cache.Options(hub.Endpoint));

        // HEAD .../resolve/{commit}/{path}: one per file fetched.
        var fetched = hub.Requests.Where(r => r.Method == "HEAD").Select(r => r.Path.Split("/resolve/")[1].Split('/', 2)[1]);
        Assert.Equal(FakeHubRepo.ServedFileNames.Order(), fetched.Order());
        Assert.Equal(FakeHubRepo.ServedFileNames.Order(), Directory.EnumerateFileSystemEntries(cache.SnapshotDirectory).Select(Path.GetFileName).Order());
        Assert.Single(hub.Downloads, r => r.Path.StartsWith("/cdn/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Second_start_downloads_nothing()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        await cache.ResolveAsync(cache.Options(hub.Endpoint));
        hub.Requests.Clear();

        var directory = await cache.ResolveAsync(cache.Options(hub.Endpoint));

        Assert.Equal(cache.SnapshotDirectory, directory);
        var request = Assert.Single(hub.Requests);
        Assert.Equal($"/api/models/{FakeHubRepo.Id}/revision/main", request.Path);
    }

    [Fact]
    public async Task A_blob_already_in_the_cache_is_linked_not_downloaded()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();
        await cache.ResolveAsync(cache.Options(hub.Endpoint));
        // Another tool downloaded the blobs but this snapshot lost its links.
        foreach (var entry in Directory.EnumerateFileSystemEntries(cache.SnapshotDirectory)) File.Delete(entry);
        hub.Requests.Clear();

        await cache.ResolveAsync(cache.Options(hub.Endpoint));

        Assert.Empty(hub.Downloads);
        Assert.Equal(FakeHubRepo.Weights.Content, await File.ReadAllBytesAsync(Path.Combine(cache.SnapshotDirectory, "model.safetensors")));
    }

    [Fact]
    public async Task A_revision_resolves_its_branch_tag_or_commit()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();

        Assert.Equal(cache.SnapshotDirectory, await cache.ResolveAsync(cache.Options(hub.Endpoint), FakeHubRepo.Tag));
        Assert.Equal(cache.SnapshotDirectory, await cache.ResolveAsync(cache.Options(hub.Endpoint), FakeHubRepo.Commit));

        Assert.Contains(hub.Requests, r => r.Path == $"/api/models/{FakeHubRepo.Id}/revision/{FakeHubRepo.Tag}");
        Assert.Equal(FakeHubRepo.Commit, await File.ReadAllTextAsync(Path.Combine(cache.RepoDirectory, "refs", FakeHubRepo.Tag)));
        // A commit id needs no ref: huggingface_hub writes none for it.
        Assert.False(File.Exists(Path.Combine(cache.RepoDirectory, "refs", FakeHubRepo.Commit)));
    }
}
