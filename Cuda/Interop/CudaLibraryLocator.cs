using System.Runtime.InteropServices;

namespace QwenVL.Cuda.Interop;

/// <summary>
/// Finds and loads the CUDA shared libraries: first the folders of <c>CUDA_LIB_DIRS</c> (separated by ':'),
/// then the usual CUDA folders, then the system loader's own path (where the driver's libcuda.so.1 lives).
/// </summary>
public static class CudaLibraryLocator
{
    public const string LibDirsVariable = "CUDA_LIB_DIRS";

    public static readonly IReadOnlyList<string> UsualDirectories =
    [
        "/usr/local/cuda/lib64",
        "/usr/local/cuda-13.0/targets/x86_64-linux/lib",
        "/usr/local/cuda/targets/x86_64-linux/lib",
        "/usr/lib/x86_64-linux-gnu",
        "/usr/local/nvidia/lib64",
    ];

    /// <summary>The folders to search, in order: those of <paramref name="cudaLibDirs"/> (the variable's value), then the usual ones.</summary>
    public static IReadOnlyList<string> SearchDirectories(string? cudaLibDirs)
    {
        var dirs = new List<string>();
        if (!string.IsNullOrWhiteSpace(cudaLibDirs))
        {
            foreach (var dir in cudaLibDirs.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (!dirs.Contains(dir)) dirs.Add(dir);
        }
        foreach (var dir in UsualDirectories)
            if (!dirs.Contains(dir)) dirs.Add(dir);
        return dirs;
    }

    /// <summary>Loads the library from the search folders of this process's <c>CUDA_LIB_DIRS</c>.</summary>
    public static LoadedLibrary Load(string library, IReadOnlyList<string> fileNames) =>
        Load(library, fileNames, SearchDirectories(Environment.GetEnvironmentVariable(LibDirsVariable)), useSystemPath: true);

    /// <summary>
    /// Loads the first of <paramref name="fileNames"/> that can be loaded: each name is looked for in every one of
    /// <paramref name="directories"/>, then (if allowed) through the system loader, before the next name is tried,
    /// so a preferred name anywhere beats a fallback name (a toolkit's stub libcuda.so never shadows the driver's
    /// libcuda.so.1). Throws <see cref="CudaLibraryNotFoundException"/> listing the names and folders tried.
    /// </summary>
    public static LoadedLibrary Load(string library, IReadOnlyList<string> fileNames, IReadOnlyList<string> directories, bool useSystemPath)
    {
        var failures = new List<string>();
        foreach (var name in fileNames)
        {
            foreach (var dir in directories)
            {
                var path = Path.Combine(dir, name);
                if (!File.Exists(path)) continue;
                try
                {
                    return new LoadedLibrary(NativeLibrary.Load(path), path);
                }
                catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
                {
                    failures.Add($"{path} exists but did not load: {e.Message}");
                }
            }
            if (useSystemPath && NativeLibrary.TryLoad(name, out var handle)) return new LoadedLibrary(handle, name);
        }
        throw new CudaLibraryNotFoundException(NotFoundMessage(library, fileNames, directories, useSystemPath, failures), fileNames, directories);
    }

    internal static string NotFoundMessage(
        string library, IReadOnlyList<string> fileNames, IReadOnlyList<string> directories, bool useSystemPath, IReadOnlyList<string> failures)
    {
        var message = $"Could not load {library} (tried {string.Join(", ", fileNames)}) from the folders searched: "
            + string.Join(", ", directories)
            + (useSystemPath ? ", nor through the system loader path" : "")
            + $". Set {LibDirsVariable} to the folder that holds it (several folders separated by ':').";
        return failures.Count == 0 ? message : message + " " + string.Join(" ", failures);
    }
}

/// <summary>An OS library handle and where it came from; the library stays loaded for the life of the process.</summary>
public sealed class LoadedLibrary(nint handle, string path)
{
    public nint Handle { get; } = handle;

    public string Path { get; } = path;

    /// <summary>The address of an exported function; throws naming the symbol and the library when it is missing.</summary>
    public nint Export(string symbol)
    {
        if (NativeLibrary.TryGetExport(Handle, symbol, out var address)) return address;
        throw new EntryPointNotFoundException($"{Path} has no export '{symbol}'; is it an older version than this code expects?");
    }

    public bool TryExport(string symbol, out nint address) => NativeLibrary.TryGetExport(Handle, symbol, out address);
}
