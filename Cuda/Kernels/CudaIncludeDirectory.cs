namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Where the CUDA headers are (NVRTC needs cuda_bf16.h and what it includes): $QWENVL_CUDA_INCLUDE,
/// $CUDA_HOME/include, the include folder beside each library folder searched, then the usual places.
/// CUDA 13 keeps libcu++ and the nv/ headers under include/cccl, which is added when present.
/// </summary>
public static class CudaIncludeDirectory
{
    public const string Marker = "cuda_bf16.h";

    public static IReadOnlyList<string> Candidates(IReadOnlyList<string> libraryDirectories, string? includeOverride, string? cudaHome)
    {
        var dirs = new List<string>();
        void Add(string? dir)
        {
            if (!string.IsNullOrWhiteSpace(dir) && !dirs.Contains(dir)) dirs.Add(dir);
        }
        Add(includeOverride);
        if (!string.IsNullOrWhiteSpace(cudaHome)) Add(Path.Combine(cudaHome, "include"));
        foreach (var lib in libraryDirectories)
        {
            var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(lib));
            if (parent is not null) Add(Path.Combine(parent, "include"));
        }
        Add("/usr/local/cuda/include");
        Add("/usr/local/cuda/targets/x86_64-linux/include");
        Add("/usr/local/cuda-13.0/targets/x86_64-linux/include");
        Add("/usr/include");
        return dirs;
    }

    /// <summary>The include options for NVRTC (-I...), or an error listing the folders searched.</summary>
    public static IReadOnlyList<string> IncludeOptions(IReadOnlyList<string> candidates)
    {
        foreach (var dir in candidates)
        {
            if (!File.Exists(Path.Combine(dir, Marker))) continue;
            var options = new List<string> { "-I" + dir };
            var cccl = Path.Combine(dir, "cccl");
            if (System.IO.Directory.Exists(cccl)) options.Add("-I" + cccl);
            return options;
        }
        throw new DirectoryNotFoundException(
            $"Could not find the CUDA headers ({Marker}) for NVRTC in: {string.Join(", ", candidates)}. "
            + "Set QWENVL_CUDA_INCLUDE to the CUDA include folder.");
    }

    public static IReadOnlyList<string> IncludeOptions() =>
        IncludeOptions(Candidates(
            Interop.CudaLibraryLocator.SearchDirectories(Environment.GetEnvironmentVariable(Interop.CudaLibraryLocator.LibDirsVariable)),
            Environment.GetEnvironmentVariable("QWENVL_CUDA_INCLUDE"),
            Environment.GetEnvironmentVariable("CUDA_HOME")));
}
