using System.Security.Cryptography;
using System.Text;
using QwenVL.Tests.Fixtures;

namespace QwenVL.Tests.Hub;

/// <summary>One file of the fake repository, with the metadata the Hub keeps for it.</summary>
public sealed record FakeHubFile(string Path, byte[] Content, bool IsLfs)
{
    /// <summary>The git blob id: sha1 of "blob {size}\0" and the content (of the pointer file, for LFS; here of the content, which is enough).</summary>
    public string BlobId { get; } = Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {Content.Length}\0"), .. Content]));
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Content));
    /// <summary>What the cache names the blob by: the sha256 for LFS files, the git blob id for the others.</summary>
    public string Etag => IsLfs ? Sha256 : BlobId;
}

/// <summary>
/// The tiny fixture model as a Hub repository: its config, processor and tokenizer files in git, its weights in
/// LFS, plus files the server does not need (a README, .gitattributes, an image in a subfolder, a .bin).
/// Loaded once for the whole run.
/// </summary>
public static class FakeHubRepo
{
    public const string Id = "qwen-test/qwen2vl-tiny";
    public const string Commit = "6c2d1b7e4f0a9c8b3d5e7f1a2b4c6d8e0f1a3b5c";
    /// <summary>A tag that points at <see cref="Commit"/> as main does.</summary>
    public const string Tag = "v1.0";

    public static IReadOnlyList<string> ServedFileNames { get; } =
    [
        "config.json", "generation_config.json", "preprocessor_config.json", "chat_template.json", "tokenizer.json",
        "tokenizer_config.json", "model.safetensors",
    ];

    private static readonly Lazy<IReadOnlyDictionary<string, FakeHubFile>> SharedFiles = new(Load);

    public static IReadOnlyDictionary<string, FakeHubFile> Files => SharedFiles.Value;

    public static FakeHubFile Weights => Files["model.safetensors"];

    private static IReadOnlyDictionary<string, FakeHubFile> Load()
    {
        var files = new Dictionary<string, FakeHubFile>(StringComparer.Ordinal);
        foreach (var name in ServedFileNames)
            files[name] = new FakeHubFile(name, File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, name)), name.EndsWith(".safetensors", StringComparison.Ordinal));
        files["README.md"] = new FakeHubFile("README.md", "# qwen2vl-tiny\nRandom weights for tests.\n"u8.ToArray(), false);
        files[".gitattributes"] = new FakeHubFile(".gitattributes", "*.safetensors filter=lfs diff=lfs merge=lfs -text\n"u8.ToArray(), false);
        files["images/photo_200x150.jpg"] = new FakeHubFile("images/photo_200x150.jpg",
            File.ReadAllBytes(Path.Combine(FixturePaths.TinyModel, "images", "photo_200x150.jpg")), true);
        files["pytorch_model.bin"] = new FakeHubFile("pytorch_model.bin", new byte[1000], true);
        return files;
    }
}
