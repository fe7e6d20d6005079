namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Compiled cubins on disk, one file per (kernel file, architecture, key):
/// <c>rmsnorm_residual.sm_90.&lt;key&gt;.cubin</c>. Writes go through a temporary file and a rename, so a reader
/// never sees half a cubin and two processes compiling the same kernel both end with a whole one.
/// </summary>
public sealed class CubinCache
{
    public const string DirectoryVariable = "QWENVL_CUBIN_CACHE";

    public CubinCache(string directory) => Directory = directory;

    public string Directory { get; }

    /// <summary>$QWENVL_CUBIN_CACHE, else ~/.cache/qwenvl/cubin.</summary>
    public static string DefaultDirectory() =>
        DefaultDirectory(Environment.GetEnvironmentVariable(DirectoryVariable), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    public static string DefaultDirectory(string? overrideDirectory, string home) =>
        string.IsNullOrWhiteSpace(overrideDirectory) ? Path.Combine(home, ".cache", "qwenvl", "cubin") : overrideDirectory;

    public string PathFor(string fileName, string architecture, string key) =>
        Path.Combine(Directory, $"{Path.GetFileNameWithoutExtension(fileName)}.{architecture}.{key}.cubin");

    public bool TryRead(string fileName, string architecture, string key, out byte[] cubin)
    {
        var path = PathFor(fileName, architecture, key);
        if (File.Exists(path))
        {
            cubin = File.ReadAllBytes(path);
            if (cubin.Length > 0) return true;
        }
        cubin = [];
        return false;
    }

    public void Write(string fileName, string architecture, string key, ReadOnlySpan<byte> cubin)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = PathFor(fileName, architecture, key);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = File.Create(temporary)) file.Write(cubin);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
