using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda;

/// <summary>
/// One GPU with its primary context retained and made current on the opening thread. The context is
/// current per thread: a thread that works with the device other than the opener calls <see cref="MakeCurrent"/>.
/// </summary>
public sealed class CudaDevice : IDisposable
{
    private CudaDevice(CudaDriver driver, int ordinal, int device, CudaContextHandle context)
    {
        Driver = driver;
        Ordinal = ordinal;
        Device = device;
        Context = context;
        Name = driver.DeviceName(device);
        ComputeMajor = driver.DeviceAttribute(device, DeviceAttribute.ComputeCapabilityMajor);
        ComputeMinor = driver.DeviceAttribute(device, DeviceAttribute.ComputeCapabilityMinor);
        MultiprocessorCount = driver.DeviceAttribute(device, DeviceAttribute.MultiprocessorCount);
        L2CacheBytes = driver.DeviceAttribute(device, DeviceAttribute.L2CacheSize);
        MaxSharedMemoryPerBlockOptin = driver.DeviceAttribute(device, DeviceAttribute.MaxSharedMemoryPerBlockOptin);
        TotalMemory = driver.DeviceTotalMemory(device);
        DriverVersion = driver.DriverVersion();
    }

    public CudaDriver Driver { get; }

    /// <summary>The device's index among this process's visible devices.</summary>
    public int Ordinal { get; }

    /// <summary>The CUdevice value.</summary>
    public int Device { get; }

    public CudaContextHandle Context { get; }

    public string Name { get; }

    public int ComputeMajor { get; }

    public int ComputeMinor { get; }

    /// <summary>The NVRTC/nvcc architecture name of the device's compute capability: sm_90 for an H100.</summary>
    public string Architecture => $"sm_{ComputeMajor}{ComputeMinor}";

    public int MultiprocessorCount { get; }

    public int L2CacheBytes { get; }

    public int MaxSharedMemoryPerBlockOptin { get; }

    public long TotalMemory { get; }

    /// <summary>The driver's CUDA version, major*1000 + minor*10.</summary>
    public int DriverVersion { get; }

    /// <summary>
    /// Whether a CUDA device can be opened here; otherwise why not (no driver library, no device, or
    /// the driver failing to start), in a sentence that starts with "no CUDA device".
    /// </summary>
    public static bool IsAvailable(out string reason)
    {
        try
        {
            var driver = CudaDriver.Shared;
            var init = driver.TryInit();
            if (init != CuResult.Success)
            {
                reason = $"no CUDA device: cuInit returned {CudaDriver.DescribeError(init).Name}";
                return false;
            }
            if (driver.DeviceCount() == 0)
            {
                reason = "no CUDA device: the driver sees none";
                return false;
            }
            reason = "";
            return true;
        }
        catch (CudaLibraryNotFoundException e)
        {
            reason = "no CUDA device: " + e.Message;
            return false;
        }
    }

    /// <summary>Initialises the driver, retains the device's primary context and makes it current on this thread.</summary>
    public static CudaDevice Open(int ordinal = 0)
    {
        var driver = CudaDriver.Shared;
        driver.Init();
        var count = driver.DeviceCount();
        if (ordinal < 0 || ordinal >= count)
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"the driver sees {count} CUDA device(s)");
        var device = driver.DeviceGet(ordinal);
        var context = driver.RetainPrimaryContext(device);
        try
        {
            driver.SetCurrent(context);
            return new CudaDevice(driver, ordinal, device, context);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public void MakeCurrent() => Driver.SetCurrent(Context);

    /// <summary>Free and total bytes of device memory right now.</summary>
    public (long Free, long Total) MemoryInfo() => Driver.MemoryInfo();

    public void Dispose() => Context.Dispose();
}
