using QwenVL.Runtime.Hub;
using Xunit;

namespace QwenVL.Tests.Hub;

/// <summary>The cache looks as huggingface_hub leaves it, so transformers and vLLM find our downloads and we find theirs.</summary>
public class HubCacheLayoutTests
{
    [Fact]
    public async Task Snapshot_holds_relative_links_to_blobs_named_by_etag_and_refs_main_holds_the_commit()
    {
        await using var hub = await FakeHub.StartAsync();
        using var cache = new HubTestCache();

        await cache.ResolveAsync(cache.Options(hub.Endpoint));

        Assert.Equal(FakeHubRepo.Commit, await File.ReadAllTextAsync(Path.Combine(cache.RepoDirectory, "refs", "main")));
        Assert.Equal([FakeHubRepo.Commit], Directory.GetDirectories(Path.Combine(cache.RepoDirectory, "snapshots")).Select(Path.GetFileName));
        foreach (var name in FakeHubRepo.ServedFileNames)
        {
            var file = FakeHubRepo.Files[name];
            var link = new FileInfo(Path.Combine(cache.SnapshotDirectory, name));
            Assert.Equal($"../../blobs/{file.Etag}", link.LinkTarget);
            Assert.Equal(file.Content, await File.ReadAllBytesAsync(Path.Combine(cache.RepoDirectory, "blobs", file.Etag)));
        }
        // LFS blobs are named by their sha256, git files by their blob id; nothing half-done is left.
        Assert.Equal(FakeHubRepo.Weights.Sha256, FakeHubRepo.Weights.Etag);
        Assert.Equal(FakeHubRepo.ServedFileNames.Select(n => FakeHubRepo.Files[n].Etag).Order(),
            Directory.GetFiles(Path.Combine(cache.RepoDirectory, "blobs")).Select(Path.GetFileName).Order());
        Assert.True(File.Exists(Path.Combine(cache.Directory, ".locks", "models--qwen-test--qwen2vl-tiny", FakeHubRepo.Weights.Etag + ".lock")));
    }

    [Fact]
    public void A_snapshot_written_by_huggingface_hub_is_found_offline()
    {
        using var cache = new HubTestCache();
        // What `huggingface-cli download` leaves: blobs, relative links, refs/main without a newline.
        var blobs = Directory.CreateDirectory(Path.Combine(cache.RepoDirectory, "blobs")).FullName;
        Directory.CreateDirectory(cache.SnapshotDirectory);
        foreach (var name in FakeHubRepo.ServedFileNames)
        {
            var file = FakeHubRepo.Files[name];
            File.WriteAllBytes(Path.Combine(blobs, file.Etag), file.Content);
            File.CreateSymbolicLink(Path.Combine(cache.SnapshotDirectory, name), $"../../blobs/{file.Etag}");
        }
        Directory.CreateDirectory(Path.Combine(cache.RepoDirectory, "refs"));
        File.WriteAllText(Path.Combine(cache.RepoDirectory, "refs", "main"), FakeHubRepo.Commit);

        var repo = new HubCache(cache.Directory, new RepoId("qwen-test", "qwen2vl-tiny"));

        Assert.Equal(FakeHubRepo.Commit, repo.FindCommit("main"));
        Assert.Empty(ServedFiles.MissingRequired(cache.SnapshotDirectory));
    }

    [Theory]
    [InlineData("config.json", true)]
    [InlineData("tokenizer_config.json", true)]
    [InlineData("model.safetensors.index.json", true)]
    [InlineData("model-00001-of-00002.safetensors", true)]
    [InlineData("merges.txt", true)]
    [InlineData("README.md", false)]
    [InlineData(".gitattributes", false)]
    [InlineData("pytorch_model.bin", false)]
    [InlineData("onnx/config.json", false)]
    public void Served_files_are_the_root_json_tokenizer_and_safetensors_files(string path, bool needed) =>
        Assert.Equal(needed, ServedFiles.IsNeeded(path));

    [Fact]
    public void A_sharded_snapshot_lacks_the_shards_its_index_names()
    {
        using var cache = new HubTestCache();
        Directory.CreateDirectory(cache.SnapshotDirectory);
        File.WriteAllText(Path.Combine(cache.SnapshotDirectory, "config.json"), "{}");
        File.WriteAllText(Path.Combine(cache.SnapshotDirectory, "model.safetensors.index.json"),
            """{"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}""");
        File.WriteAllText(Path.Combine(cache.SnapshotDirectory, "model-00001-of-00002.safetensors"), "");

        Assert.Equal(["tokenizer.json", "model-00002-of-00002.safetensors"], ServedFiles.MissingRequired(cache.SnapshotDirectory));
    }
}
