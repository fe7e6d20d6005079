using System.Runtime.InteropServices;
using System.Text;
using QwenVL.Cuda.Handles;

namespace QwenVL.Cuda.Interop;

/// <summary>
/// NVRTC, the run-time CUDA C++ compiler (libnvrtc.so.13, or .12), bound through function pointers
/// looked up once. Compiles a kernel source for one GPU architecture straight to a cubin.
/// </summary>
public sealed unsafe class Nvrtc
{
    private static readonly Lazy<Nvrtc> s_shared = new(() => new Nvrtc(LoadWithBuiltins()));

    private readonly delegate* unmanaged<int*, int*, NvrtcResult> _version;
    private readonly delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, NvrtcResult> _createProgram;
    private readonly delegate* unmanaged<nint, int, byte**, NvrtcResult> _compileProgram;
    private readonly delegate* unmanaged<nint, nuint*, NvrtcResult> _getCubinSize;
    private readonly delegate* unmanaged<nint, byte*, NvrtcResult> _getCubin;
    private readonly delegate* unmanaged<nint, nuint*, NvrtcResult> _getProgramLogSize;
    private readonly delegate* unmanaged<nint, byte*, NvrtcResult> _getProgramLog;

    private Nvrtc(LoadedLibrary library)
    {
        Library = library;
        _version = (delegate* unmanaged<int*, int*, NvrtcResult>)library.Export("nvrtcVersion");
        _createProgram = (delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, NvrtcResult>)library.Export("nvrtcCreateProgram");
        _compileProgram = (delegate* unmanaged<nint, int, byte**, NvrtcResult>)library.Export("nvrtcCompileProgram");
        _getCubinSize = (delegate* unmanaged<nint, nuint*, NvrtcResult>)library.Export("nvrtcGetCUBINSize");
        _getCubin = (delegate* unmanaged<nint, byte*, NvrtcResult>)library.Export("nvrtcGetCUBIN");
        _getProgramLogSize = (delegate* unmanaged<nint, nuint*, NvrtcResult>)library.Export("nvrtcGetProgramLogSize");
        _getProgramLog = (delegate* unmanaged<nint, byte*, NvrtcResult>)library.Export("nvrtcGetProgramLog");
    }

    public static Nvrtc Shared => s_shared.Value;

    public LoadedLibrary Library { get; }

    // libnvrtc opens libnvrtc-builtins by name when it compiles; loading it first from the same folder
    // means the folder need not be on LD_LIBRARY_PATH.
    private static LoadedLibrary LoadWithBuiltins()
    {
        var library = CudaLibraryLocator.Load("NVRTC", ["libnvrtc.so.13", "libnvrtc.so.12"]);
        var dir = Path.GetDirectoryName(library.Path);
        if (!string.IsNullOrEmpty(dir) && Directory.Exists(dir))
        {
            var file = Path.GetFileName(library.Path);
            var suffix = file.StartsWith("libnvrtc.so.", StringComparison.Ordinal) ? file["libnvrtc.so".Length..] : "";
            foreach (var builtins in Directory.GetFiles(dir, "libnvrtc-builtins.so" + suffix + "*").Order(StringComparer.Ordinal))
                NativeLibrary.TryLoad(builtins, out _);
        }
        return library;
    }

    public (int Major, int Minor) Version()
    {
        int major, minor;
        CudaException.ThrowIfFailed(_version(&major, &minor), "nvrtcVersion");
        return (major, minor);
    }

    public NvrtcProgramHandle CreateProgram(string source, string name)
    {
        var sourceBytes = Encoding.UTF8.GetBytes(source + "\0");
        var nameBytes = Encoding.UTF8.GetBytes(name + "\0");
        nint program;
        fixed (byte* s = sourceBytes)
        fixed (byte* n = nameBytes)
            CudaException.ThrowIfFailed(_createProgram(&program, s, n, 0, null, null), "nvrtcCreateProgram");
        return new NvrtcProgramHandle(program);
    }

    /// <summary>
    /// Compiles the program; returns <see cref="NvrtcResult.Compilation"/> when the source has errors (read them
    /// with <see cref="GetLog"/>) and throws for any other failure.
    /// </summary>
    public NvrtcResult Compile(NvrtcProgramHandle program, IReadOnlyList<string> options)
    {
        // All options in one buffer, each NUL-terminated, and a pointer to the start of each.
        var text = Encoding.UTF8.GetBytes(string.Concat(options.Select(o => o + "\0")));
        var pointers = new byte*[options.Count];
        NvrtcResult result;
        fixed (byte* start = text)
        fixed (byte** p = pointers)
        {
            var at = start;
            for (var i = 0; i < options.Count; i++)
            {
                pointers[i] = at;
                while (*at != 0) at++;
                at++;
            }
            result = _compileProgram(program.Value, options.Count, p);
        }
        if (result != NvrtcResult.Compilation) CudaException.ThrowIfFailed(result, "nvrtcCompileProgram");
        return result;
    }

    public string GetLog(NvrtcProgramHandle program)
    {
        nuint size;
        CudaException.ThrowIfFailed(_getProgramLogSize(program.Value, &size), "nvrtcGetProgramLogSize");
        var log = new byte[size];
        fixed (byte* p = log)
            CudaException.ThrowIfFailed(_getProgramLog(program.Value, p), "nvrtcGetProgramLog");
        return Encoding.UTF8.GetString(log).TrimEnd('\0', '\n', ' ');
    }

    public byte[] GetCubin(NvrtcProgramHandle program)
    {
        nuint size;
        CudaException.ThrowIfFailed(_getCubinSize(program.Value, &size), "nvrtcGetCUBINSize");
        var cubin = new byte[size];
        fixed (byte* p = cubin)
            CudaException.ThrowIfFailed(_getCubin(program.Value, p), "nvrtcGetCUBIN");
        return cubin;
    }
}
