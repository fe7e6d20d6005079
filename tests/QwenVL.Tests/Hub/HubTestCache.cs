using QwenVL.Runtime.Hub;
using QwenVL.Tests.Checkpoint;

namespace QwenVL.Tests.Hub;

/// <summary>An empty hub cache in a temporary folder (deleted on dispose) and the options that point a resolver at it and at a fake Hub.</summary>
public sealed class HubTestCache : IDisposable
{
    private readonly TempDirectory _temp = new();

    public string Directory => Path.Combine(_temp.Path, "hub");

    public string RepoDirectory => Path.Combine(Directory, "models--qwen-test--qwen2vl-tiny");

    public string SnapshotDirectory => Path.Combine(RepoDirectory, "snapshots", FakeHubRepo.Commit);

    /// <summary>Short waits, so failure paths stay fast; no token and online unless the test says otherwise.</summary>
    public HubOptions Options(string endpoint) => new()
    {
        Endpoint = endpoint,
        CacheDirectory = Directory,
        RequestTimeout = TimeSpan.FromSeconds(10),
        ResumeDelay = TimeSpan.FromMilliseconds(10),
    };

    public async Task<string> ResolveAsync(HubOptions options, string? revision = null, List<string>? warnings = null)
    {
        using var resolver = new ModelResolver(options, warning: warnings == null ? null : w => { lock (warnings) warnings.Add(w); });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await resolver.ResolveAsync(FakeHubRepo.Id, revision, timeout.Token);
    }

    public void Dispose() => _temp.Dispose();
}
