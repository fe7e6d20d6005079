using System.Diagnostics;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;

namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// Checks <see cref="Vision.CudaVisionTower"/> on a real device: the attention kernels against a float64 reference on
/// random data; the tower on the tiny fixture against what Hugging Face computed and against the CPU tower; and, with
/// a checkpoint of the 2B shapes, the time per 448×448 image and the error against the CPU tower on a small image.
/// With either model, several images encoded in one pass against each encoded alone (and, at the 2B shapes, the time).
/// Each check prints PASS or FAIL with its numbers; the last line is the verdict.
/// </summary>
public sealed partial class VisionTowerCheck : IDisposable
{
    private const double Mebi = 1024.0 * 1024.0;

    private readonly TextWriter _log;
    private readonly CheckTally _checks;
    private readonly CudaDevice _device;
    private readonly CudaDriver _driver;
    private readonly CudaStreamHandle _stream;
    private readonly KernelCompiler _compiler;
    private readonly EventTimer _timer;
    private readonly Random _random;
    private readonly List<string> _summary = [];

    private VisionTowerCheck(TextWriter log, CudaDevice device, string cubinCacheDirectory, int seed)
    {
        _log = log;
        _checks = new CheckTally(log);
        _device = device;
        _driver = device.Driver;
        _stream = _driver.CreateStream();
        _timer = new EventTimer(_driver, _stream);
        _compiler = new KernelCompiler(device.Architecture, new CubinCache(cubinCacheDirectory));
        _random = new Random(seed);
    }

    /// <param name="tinyDirectory">The tiny fixture (model, reference.json/.safetensors, images/), or null to skip.</param>
    /// <param name="largeDirectory">A checkpoint with the 2B vision shapes, or null to skip the timing.</param>
    public static bool Run(TextWriter log, string? tinyDirectory, string? largeDirectory, string cubinCacheDirectory)
    {
        if (!CudaDevice.IsAvailable(out var reason))
        {
            log.WriteLine($"vision check: FAIL ({reason})");
            return false;
        }
        var seed = Environment.TickCount & int.MaxValue;
        using var device = CudaDevice.Open(0);
        using var check = new VisionTowerCheck(log, device, cubinCacheDirectory, seed);
        return check.RunAll(tinyDirectory, largeDirectory, seed);
    }

    private bool RunAll(string? tinyDirectory, string? largeDirectory, int seed)
    {
        var clock = Stopwatch.StartNew();
        var (free, total) = _device.MemoryInfo();
        _log.WriteLine($"device {_device.Ordinal}: {_device.Name} ({_device.Architecture}, {_device.MultiprocessorCount} SMs), "
            + $"{free / Mebi / 1024:F1} of {total / Mebi / 1024:F1} GiB free; random seed {seed}");
        CompileAll();
        CheckAttentionKernels();
        if (tinyDirectory is not null) CheckFixture(tinyDirectory);
        if (largeDirectory is not null)
        {
            MeasureLarge(largeDirectory);
            MeasureBatchedLarge(largeDirectory);
        }

        _log.WriteLine();
        foreach (var line in _summary) _log.WriteLine(line);
        _log.WriteLine(_checks.Summary("vision check", clock.Elapsed));
        return _checks.AllPassed;
    }

    /// <summary>Compiles every vision kernel file once up front, so a compile error shows for each file with its log.</summary>
    private void CompileAll()
    {
        foreach (var file in new[] { KernelSources.VisionLayerNorm, KernelSources.VisionRotary, KernelSources.VisionElementwise, KernelSources.VisionAttention })
        {
            Check($"compile and load {file}", () =>
            {
                var compiled = _compiler.Compile(file);
                using var module = _driver.LoadModule(compiled.Cubin);
                _log.WriteLine($"  {file}: {(compiled.CacheHit ? "cache hit" : $"compiled in {compiled.CompileMilliseconds:F0} ms")}, cubin {compiled.Cubin.Length / 1024.0:F1} KiB");
                if (!string.IsNullOrWhiteSpace(compiled.Log)) _log.WriteLine($"  NVRTC log: {compiled.Log}");
                if (file == KernelSources.VisionAttention)
                {
                    foreach (var name in new[] { "vision_attention_hd80", "vision_attention_hd32" })
                        Describe(_driver.GetFunction(module, name));
                }
                return true;
            });
        }
    }

    private void Describe(CudaFunction f) =>
        _log.WriteLine($"  {f.Name}: {_driver.FunctionAttribute(f, FunctionAttribute.NumRegs)} registers, "
            + $"{_driver.FunctionAttribute(f, FunctionAttribute.LocalSizeBytes)} bytes local, "
            + $"{_driver.FunctionAttribute(f, FunctionAttribute.SharedSizeBytes)} bytes static shared");

    private void Check(string name, Func<bool> body) => _checks.Run(name, body);

    public void Dispose()
    {
        _timer.Dispose();
        _stream.Dispose();
    }
}
