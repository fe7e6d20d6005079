using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace QwenVL.Http.Apis;

/// <summary>One file of Http/Web with what a response needs: its bytes, content type and entity tag.</summary>
public sealed record WebAsset(string Path, byte[] Content, string ContentType, EntityTagHeaderValue ETag);

/// <summary>
/// The files of Http/Web, embedded in the assembly as "web/PATH" (QwenVL.Http.csproj) and read once, so the pages
/// need nothing on disk, no CDN and no Node where the server runs. Only embedded paths exist: a request path is
/// looked up as it is, never joined onto a folder, so ".." and other tricks find nothing.
/// </summary>
public sealed class WebAssets
{
    public const string ResourcePrefix = "web/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".json"] = "application/json; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, WebAsset> _files;

    private WebAssets(FrozenDictionary<string, WebAsset> files) => _files = files;

    /// <summary>The paths served, relative to Http/Web, with '/' separators.</summary>
    public IEnumerable<string> Paths => _files.Keys;

    public static WebAssets FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var files = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        foreach (string name in assembly.GetManifestResourceNames())
        {
            // The csproj writes '/' already; a build on Windows could still hand RecursiveDir over with '\'.
            string normalized = name.Replace('\\', '/');
            if (!normalized.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            string path = normalized[ResourcePrefix.Length..];
            files[path] = Create(path, buffer.ToArray());
        }
        return new WebAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>Assets from memory, for tests.</summary>
    internal static WebAssets FromFiles(IReadOnlyDictionary<string, byte[]> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return new WebAssets(files.ToFrozenDictionary(f => f.Key, f => Create(f.Key, f.Value), StringComparer.Ordinal));
    }

    public bool TryGet(string path, [NotNullWhen(true)] out WebAsset? asset) => _files.TryGetValue(path, out asset);

    private static WebAsset Create(string path, byte[] content)
    {
        string type = ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");
        string hash = Convert.ToHexStringLower(SHA256.HashData(content).AsSpan(0, 12));
        return new WebAsset(path, content, type, new EntityTagHeaderValue($"\"{hash}\""));
    }
}
