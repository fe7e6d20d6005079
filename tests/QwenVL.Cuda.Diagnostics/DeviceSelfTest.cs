using System.Diagnostics;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;

namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// Proves the CUDA plumbing on a real device: finds it, compiles and loads the kernels (through the cubin
/// cache), checks rmsnorm_residual and silu_mul against the CPU on fresh random data, runs cuBLASLt and cuBLAS
/// bf16 products against CPU dot products and times them, captures and replays a CUDA graph, launches a
/// programmatic dependent kernel, and measures copy bandwidth. Each check prints PASS or FAIL with its
/// numbers; the last line is the verdict, and <see cref="Run(TextWriter)"/> returns whether all passed.
/// </summary>
public sealed partial class DeviceSelfTest : IDisposable
{
    private const double Mebi = 1024.0 * 1024.0;
    private const double Gibi = 1024.0 * Mebi;

    private readonly TextWriter _log;
    private readonly CheckTally _checks;
    private readonly CudaDevice _device;
    private readonly CudaDriver _driver;
    private readonly CudaStreamHandle _stream;
    private readonly EventTimer _timer;
    private readonly Random _random;

    private DeviceSelfTest(TextWriter log, CudaDevice device, int seed)
    {
        _log = log;
        _checks = new CheckTally(log);
        _device = device;
        _driver = device.Driver;
        _stream = _driver.CreateStream();
        _timer = new EventTimer(_driver, _stream);
        _random = new Random(seed);
    }

    /// <summary>Runs every check on device 0 with the default cubin cache; true when all passed.</summary>
    public static bool Run(TextWriter log) => Run(log, CubinCache.DefaultDirectory());

    public static bool Run(TextWriter log, string cubinCacheDirectory)
    {
        if (!CudaDevice.IsAvailable(out var reason))
        {
            log.WriteLine($"selftest: FAIL ({reason})");
            return false;
        }
        var seed = Environment.TickCount & int.MaxValue;
        CudaDevice device;
        try
        {
            device = CudaDevice.Open(0);
        }
        catch (CudaException e)
        {
            log.WriteLine($"selftest: FAIL (could not open device 0: {e.Message})");
            return false;
        }
        try
        {
            using var test = new DeviceSelfTest(log, device, seed);
            return test.RunAll(cubinCacheDirectory, seed);
        }
        finally
        {
            device.Dispose();
        }
    }

    private bool RunAll(string cubinCacheDirectory, int seed)
    {
        var clock = Stopwatch.StartNew();
        DescribeDevice(seed);
        KernelCompiler? compiler = null;
        var modules = new List<CudaModuleHandle>();
        RmsNormResidualKernel? rmsNorm = null;
        SiluMulKernel? siluMul = null;
        CudaFunction? addScalar = null;
        Check("NVRTC loads", () => (compiler = CreateCompiler(cubinCacheDirectory)) is not null);
        // Each file on its own, so that one that does not compile leaves the others' checks running.
        if (compiler is not null)
        {
            Check($"compile and load {KernelSources.RmsNormResidual}",
                () => (rmsNorm = new RmsNormResidualKernel(_driver, LoadModule(compiler.Compile(KernelSources.RmsNormResidual), modules))) is not null);
            Check($"compile and load {KernelSources.SiluMul}",
                () => (siluMul = new SiluMulKernel(_driver, LoadModule(compiler.Compile(KernelSources.SiluMul), modules))) is not null);
            Check($"compile and load {CheckKernelSources.SelfTest}",
                () => (addScalar = _driver.GetFunction(LoadModule(CheckKernelSources.Compile(compiler, CheckKernelSources.SelfTest), modules), "add_scalar_f32")) is not null);
        }
        foreach (var f in new[] { rmsNorm?.Function, siluMul?.Function, addScalar })
            if (f is { } function) DescribeFunction(function);
        if (rmsNorm is not null)
        {
            Check("rmsnorm_residual rows=1 hidden=1536", () => CheckRmsNorm(rmsNorm, rows: 1, hidden: 1536));
            Check("rmsnorm_residual rows=37 hidden=1536", () => CheckRmsNorm(rmsNorm, rows: 37, hidden: 1536));
            Check("rmsnorm_residual rows=5 hidden=128", () => CheckRmsNorm(rmsNorm, rows: 5, hidden: 128));
        }
        if (siluMul is not null)
        {
            Check("silu_mul rows=1 inter=8960", () => CheckSiluMul(siluMul, rows: 1, inter: 8960));
            Check("silu_mul rows=37 inter=8960", () => CheckSiluMul(siluMul, rows: 37, inter: 8960));
            Check("silu_mul rows=3 inter=256", () => CheckSiluMul(siluMul, rows: 3, inter: 256));
        }
        if (rmsNorm is not null && siluMul is not null)
            Check("kernel bandwidth at prefill size", () => TimeKernels(rmsNorm, siluMul));
        if (addScalar is { } add)
        {
            Check("CUDA graph capture and replay", () => CheckGraph(add));
            Check("programmatic dependent launch", () => CheckProgrammaticLaunch(add));
            Check("launch overhead, direct vs graph", () => TimeLaunchOverhead(add));
        }
        Check("cuBLASLt bf16 GEMM 4096x4096x4096", () => CheckGemm(m: 4096, n: 4096, k: 4096, copies: 1));
        Check("cuBLASLt bf16 GEMV-shaped 1x1536x8960", () => CheckGemm(m: 1, n: 8960, k: 1536, copies: 8));
        Check("cuBLAS GemmEx fallback 1x1536x8960", () => CheckGemmEx(m: 1, n: 8960, k: 1536));
        Check("copy bandwidth", MeasureCopyBandwidth);
        foreach (var module in modules) module.Dispose();

        _log.WriteLine(_checks.Summary("selftest", clock.Elapsed));
        return _checks.AllPassed;
    }

    private void Check(string name, Func<bool> body) => _checks.Run(name, body);

    private void DescribeDevice(int seed)
    {
        var d = _device;
        var (free, total) = d.MemoryInfo();
        _log.WriteLine(
            $"device {d.Ordinal}: {d.Name}, compute capability {d.ComputeMajor}.{d.ComputeMinor} ({d.Architecture}), "
            + $"{d.MultiprocessorCount} SMs, L2 {d.L2CacheBytes / Mebi:F0} MiB, shared memory per block up to {d.MaxSharedMemoryPerBlockOptin / 1024} KiB");
        _log.WriteLine($"memory: {total / Gibi:F1} GiB total, {free / Gibi:F1} GiB free; driver supports CUDA {d.DriverVersion / 1000}.{d.DriverVersion % 1000 / 10}");
        _log.WriteLine($"libcuda: {_driver.Library.Path}");
        _log.WriteLine($"random seed: {seed}");
    }

    private KernelCompiler CreateCompiler(string cubinCacheDirectory)
    {
        var compiler = new KernelCompiler(_device.Architecture, new CubinCache(cubinCacheDirectory));
        _log.WriteLine($"NVRTC {compiler.NvrtcVersion.Major}.{compiler.NvrtcVersion.Minor} ({Nvrtc.Shared.Library.Path}), "
            + $"options: {string.Join(' ', compiler.CodegenOptions)}; cubin cache: {cubinCacheDirectory}");
        return compiler;
    }

    private CudaModuleHandle LoadModule(CompiledKernel compiled, List<CudaModuleHandle> modules)
    {
        var clock = Stopwatch.StartNew();
        var module = _driver.LoadModule(compiled.Cubin);
        modules.Add(module);
        _log.WriteLine($"  {compiled.FileName}: {(compiled.CacheHit ? "cache hit" : $"cache miss, compiled in {compiled.CompileMilliseconds:F0} ms")}, "
            + $"cubin {compiled.Cubin.Length / 1024.0:F1} KiB, loaded in {clock.Elapsed.TotalMilliseconds:F1} ms, key {compiled.CacheKey[..12]}");
        if (compiled.CacheError is not null) _log.WriteLine($"  {compiled.CacheError}");
        if (!string.IsNullOrWhiteSpace(compiled.Log)) _log.WriteLine($"  NVRTC log: {compiled.Log}");
        return module;
    }

    private void DescribeFunction(CudaFunction f) =>
        _log.WriteLine($"  {f.Name}: {_driver.FunctionAttribute(f, FunctionAttribute.NumRegs)} registers, "
            + $"{_driver.FunctionAttribute(f, FunctionAttribute.LocalSizeBytes)} bytes local, "
            + $"{_driver.FunctionAttribute(f, FunctionAttribute.SharedSizeBytes)} bytes shared");

    public void Dispose()
    {
        _timer.Dispose();
        _stream.Dispose();
    }
}
