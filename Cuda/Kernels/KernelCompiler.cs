using System.Diagnostics;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Turns a kernel source into a cubin for one architecture: from the <see cref="CubinCache"/> when an
/// identical compile was done before, otherwise with NVRTC (then cached).
/// </summary>
public sealed class KernelCompiler
{
    private readonly Nvrtc _nvrtc;
    private readonly Lazy<IReadOnlyList<string>> _includeOptions;

    public KernelCompiler(string architecture, CubinCache cache)
        : this(Nvrtc.Shared, architecture, cache, CudaIncludeDirectory.IncludeOptions)
    {
    }

    internal KernelCompiler(Nvrtc nvrtc, string architecture, CubinCache cache, Func<IReadOnlyList<string>> includeOptions)
    {
        _nvrtc = nvrtc;
        Architecture = architecture;
        Cache = cache;
        NvrtcVersion = nvrtc.Version();
        CodegenOptions = Options(architecture);
        _includeOptions = new Lazy<IReadOnlyList<string>>(includeOptions);
    }

    public string Architecture { get; }

    public CubinCache Cache { get; }

    public (int Major, int Minor) NvrtcVersion { get; }

    /// <summary>The options that shape the generated code (part of the cache key; include folders are not).</summary>
    public IReadOnlyList<string> CodegenOptions { get; }

    public static IReadOnlyList<string> Options(string architecture) =>
        ["--gpu-architecture=" + architecture, "-default-device", "--std=c++17"];

    /// <summary>Compiles (or finds in the cache) an embedded kernel file.</summary>
    public CompiledKernel Compile(string fileName) => Compile(fileName, KernelSources.Read(fileName));

    public CompiledKernel Compile(string fileName, string source)
    {
        var key = CubinCacheKey.Compute(source, Architecture, NvrtcVersion, CodegenOptions);
        if (Cache.TryRead(fileName, Architecture, key, out var cached))
            return new CompiledKernel(fileName, cached, CacheHit: true, CompileMilliseconds: 0, key, Log: "", CacheError: null);

        var clock = Stopwatch.StartNew();
        using var program = _nvrtc.CreateProgram(source, fileName);
        var result = _nvrtc.Compile(program, [.. CodegenOptions, .. _includeOptions.Value]);
        var log = _nvrtc.GetLog(program);
        if (result == NvrtcResult.Compilation) throw new KernelCompilationException(fileName, Architecture, log);
        var cubin = _nvrtc.GetCubin(program);
        var milliseconds = clock.Elapsed.TotalMilliseconds;

        string? cacheError = null;
        try
        {
            Cache.Write(fileName, Architecture, key, cubin);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            cacheError = $"cubin not cached in {Cache.Directory}: {e.Message}";
        }
        return new CompiledKernel(fileName, cubin, CacheHit: false, milliseconds, key, log, cacheError);
    }
}

/// <summary>A kernel file's cubin and how it was obtained.</summary>
public sealed record CompiledKernel(
    string FileName, byte[] Cubin, bool CacheHit, double CompileMilliseconds, string CacheKey, string Log, string? CacheError);

/// <summary>NVRTC rejected a kernel source; the message carries the compiler's log.</summary>
public sealed class KernelCompilationException(string fileName, string architecture, string log)
    : Exception($"NVRTC could not compile {fileName} for {architecture}:\n{log}")
{
    public string FileName { get; } = fileName;

    public string Log { get; } = log;
}
