using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;

namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// What a check of kernels on a real device holds: the device with a stream and an event timer on it, a kernel
/// compiler over the cubin cache, a seeded random source (the seed is printed, so a failure can be replayed), the
/// tally of PASS/FAIL lines, the summary lines printed at the end and the modules loaded on the way.
/// </summary>
public abstract class DeviceCheck : IDisposable
{
    /// <summary>
    /// Two bf16 NaNs: an output is poisoned with this before a kernel runs, so an unwritten element fails the check and
    /// a gap row that no longer holds it was written by mistake.
    /// </summary>
    protected const uint PoisonBf16Pair = 0x7FC07FC0;

    protected DeviceCheck(TextWriter log, CudaDevice device, string cubinCacheDirectory, int seed)
    {
        Log = log;
        Checks = new CheckTally(log);
        Device = device;
        Driver = device.Driver;
        Stream = Driver.CreateStream();
        Timer = new EventTimer(Driver, Stream);
        Compiler = new KernelCompiler(device.Architecture, new CubinCache(cubinCacheDirectory));
        RandomSource = new Random(seed);
    }

    protected TextWriter Log { get; }
    protected CheckTally Checks { get; }
    protected CudaDevice Device { get; }
    protected CudaDriver Driver { get; }
    protected CudaStreamHandle Stream { get; }
    protected EventTimer Timer { get; }
    protected KernelCompiler Compiler { get; }
    protected Random RandomSource { get; }
    protected List<string> Summary { get; } = [];
    protected List<CudaModuleHandle> Modules { get; } = [];

    /// <summary>
    /// Opens device 0 and runs <paramref name="run"/> with it and a fresh seed; without a device the check fails
    /// with the reason, named by <paramref name="checkName"/>.
    /// </summary>
    protected static bool OnDevice(TextWriter log, string checkName, Func<CudaDevice, int, bool> run)
    {
        if (!CudaDevice.IsAvailable(out var reason))
        {
            log.WriteLine($"{checkName}: FAIL ({reason})");
            return false;
        }
        var seed = Environment.TickCount & int.MaxValue;
        using var device = CudaDevice.Open(0);
        return run(device, seed);
    }

    protected void Check(string name, Func<bool> body) => Checks.Run(name, body);

    public void Dispose()
    {
        foreach (var module in Modules) module.Dispose();
        Timer.Dispose();
        Stream.Dispose();
        GC.SuppressFinalize(this);
    }
}
