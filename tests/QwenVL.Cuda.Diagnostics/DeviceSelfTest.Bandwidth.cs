using QwenVL.Cuda.Memory;

namespace QwenVL.Cuda.Diagnostics;

public sealed partial class DeviceSelfTest
{
    /// <summary>Device-to-device copy of 1 GiB (bytes read plus bytes written), and pinned host-device copies of 256 MiB.</summary>
    private unsafe bool MeasureCopyBandwidth()
    {
        const long deviceBytes = 1L << 30, hostBytes = 256L << 20;
        using var block = new DeviceBlock(_driver, 2 * deviceBytes + DeviceArena.DefaultAlignment);
        var source = block.Allocate(deviceBytes);
        var destination = block.Allocate(deviceBytes);
        _driver.MemsetD32Async(source, 0x3F8CCCCD, deviceBytes / 4, _stream); // 1.1f, not zeros
        var copyMs = _timer.MedianMilliseconds(() => _driver.CopyDeviceToDeviceAsync(destination, source, deviceBytes, _stream), warmups: 2, repeats: 10);

        using var pinned = _driver.AllocateHost(hostBytes);
        pinned.AsSpan<float>().Fill(1.1f);
        var upMs = _timer.MedianMilliseconds(() => _driver.CopyHostToDeviceAsync(source, pinned.Pointer, hostBytes, _stream), warmups: 1, repeats: 5);
        var downMs = _timer.MedianMilliseconds(() => _driver.CopyDeviceToHostAsync(pinned.Pointer, source, hostBytes, _stream), warmups: 1, repeats: 5);

        _log.WriteLine($"  device-to-device 1 GiB: {copyMs:F3} ms, {2 * deviceBytes / (copyMs * 1e-3) / 1e12:F2} TB/s counting bytes read and written");
        _log.WriteLine($"  host-to-device 256 MiB pinned: {hostBytes / (upMs * 1e-3) / 1e9:F1} GB/s; device-to-host: {hostBytes / (downMs * 1e-3) / 1e9:F1} GB/s");
        return true;
    }
}
