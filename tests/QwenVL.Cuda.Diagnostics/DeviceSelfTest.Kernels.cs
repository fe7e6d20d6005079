using QwenVL.Cuda.Kernels;
using QwenVL.Cuda.Memory;

namespace QwenVL.Cuda.Diagnostics;

public sealed partial class DeviceSelfTest
{
    // Two bf16 NaNs: outputs are poisoned with this before a kernel runs, so an unwritten one fails the check.
    private const uint PoisonBf16Pair = 0x7FC07FC0;

    private bool CheckRmsNorm(RmsNormResidualKernel kernel, int rows, int hidden)
    {
        const float eps = 1e-6f;
        var count = rows * hidden;
        var x = HostReference.RandomBf16(_random, count, -2f, 2f);
        var residual = HostReference.RandomBf16(_random, count, -2f, 2f);
        var weight = HostReference.RandomBf16(_random, hidden, 0.5f, 1.5f);

        using var block = new DeviceBlock(_driver, 3L * count * 2 + hidden * 2 + 4 * DeviceArena.DefaultAlignment);
        var dx = block.Allocate(count * 2L);
        var dResidual = block.Allocate(count * 2L);
        var dWeight = block.Allocate(hidden * 2L);
        var dOut = block.Allocate(count * 2L);
        DeviceCopy.Upload<ushort>(_driver, _stream, dx, x);
        DeviceCopy.Upload<ushort>(_driver, _stream, dResidual, residual);
        DeviceCopy.Upload<ushort>(_driver, _stream, dWeight, weight);
        _driver.MemsetD32Async(dOut, PoisonBf16Pair, count / 2, _stream);

        kernel.Launch(dx, dResidual, dWeight, dOut, rows, hidden, eps, _stream);
        var gotResidual = new ushort[count];
        var gotOut = new ushort[count];
        DeviceCopy.Download<ushort>(_driver, _stream, gotResidual, dResidual);
        DeviceCopy.Download<ushort>(_driver, _stream, gotOut, dOut);

        var expectedOut = new ushort[count];
        HostReference.RmsNormResidual(x, residual, weight, expectedOut, rows, hidden, eps);
        var residualMismatches = 0;
        for (var i = 0; i < count; i++)
            if (gotResidual[i] != residual[i]) residualMismatches++;
        var stats = HostReference.Compare(gotOut, expectedOut);
        _log.WriteLine($"  residual: {residualMismatches} of {count} differ from the CPU's bits; output: {stats}");
        return residualMismatches == 0 && stats.WithinBf16Tolerance(5e-3);
    }

    private bool CheckSiluMul(SiluMulKernel kernel, int rows, int inter)
    {
        var count = rows * inter;
        var gateUp = HostReference.RandomBf16(_random, 2 * count, -6f, 6f);

        using var block = new DeviceBlock(_driver, 3L * count * 2 + 2 * DeviceArena.DefaultAlignment);
        var dGateUp = block.Allocate(2L * count * 2);
        var dOut = block.Allocate(count * 2L);
        DeviceCopy.Upload<ushort>(_driver, _stream, dGateUp, gateUp);
        _driver.MemsetD32Async(dOut, PoisonBf16Pair, count / 2, _stream);

        kernel.Launch(dGateUp, dOut, rows, inter, _stream);
        var got = new ushort[count];
        DeviceCopy.Download<ushort>(_driver, _stream, got, dOut);

        var expected = new ushort[count];
        HostReference.SiluMul(gateUp, expected, rows, inter);
        var stats = HostReference.Compare(got, expected);
        _log.WriteLine($"  output: {stats}");
        return stats.WithinBf16Tolerance(5e-3);
    }

    /// <summary>Both kernels on 8192 rows, timed: bytes they must move over the time taken.</summary>
    private bool TimeKernels(RmsNormResidualKernel rmsNorm, SiluMulKernel siluMul)
    {
        const int rows = 8192, hidden = 1536, inter = 8960;
        long normBytes = (long)rows * hidden * 2, siluIn = 2L * rows * inter * 2, siluOut = (long)rows * inter * 2;
        using var block = new DeviceBlock(_driver, 4 * normBytes + hidden * 2 + siluIn + siluOut + 8 * DeviceArena.DefaultAlignment);
        var dx = block.Allocate(normBytes);
        var dResidual = block.Allocate(normBytes);
        var dWeight = block.Allocate(hidden * 2L);
        var dOut = block.Allocate(normBytes);
        var dGateUp = block.Allocate(siluIn);
        var dSilu = block.Allocate(siluOut);
        FillRandom(dx, rows * hidden, -2f, 2f);
        FillRandom(dResidual, rows * hidden, -0.01f, 0.01f);
        FillRandom(dWeight, hidden, 0.5f, 1.5f);
        FillRandom(dGateUp, 2 * rows * inter, -6f, 6f);

        // The residual grows by x (|x| <= 2) on each of the 12 runs: it stays far from overflowing bf16.
        var normMs = _timer.MedianMilliseconds(() => rmsNorm.Launch(dx, dResidual, dWeight, dOut, rows, hidden, 1e-6f, _stream), warmups: 2, repeats: 10);
        var siluMs = _timer.MedianMilliseconds(() => siluMul.Launch(dGateUp, dSilu, rows, inter, _stream), warmups: 2, repeats: 10);
        _log.WriteLine($"  rmsnorm_residual {rows}x{hidden}: {normMs * 1000:F1} us, {4 * normBytes / (normMs * 1e-3) / 1e9:F0} GB/s (x, residual read; residual, out written)");
        _log.WriteLine($"  silu_mul {rows}x{inter}: {siluMs * 1000:F1} us, {(siluIn + siluOut) / (siluMs * 1e-3) / 1e9:F0} GB/s");
        return true;
    }

    /// <summary>Fills count bf16 values with random data: one random stretch uploaded, then copied on the device to fill the rest.</summary>
    private void FillRandom(ulong destination, long count, float low, float high)
    {
        var chunk = (int)Math.Min(count, 1 << 20);
        DeviceCopy.Upload<ushort>(_driver, _stream, destination, HostReference.RandomBf16(_random, chunk, low, high));
        for (long done = chunk; done < count; done += chunk)
            _driver.CopyDeviceToDeviceAsync(destination + (ulong)(done * 2), destination, Math.Min(chunk, count - done) * 2, _stream);
        _driver.Synchronize(_stream);
    }
}
