using System.Diagnostics;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Memory;

namespace QwenVL.Cuda.Diagnostics;

public sealed partial class DeviceSelfTest
{
    /// <summary>Three launches captured into a graph, replayed ten times: every element gains exactly 30 additions.</summary>
    private bool CheckGraph(CudaFunction addScalar)
    {
        const int n = 1 << 20, launches = 3, replays = 10;
        var data = RandomFloats(n);
        using var block = new DeviceBlock(_driver, n * 4L);
        var dData = block.Allocate(n * 4L);
        DeviceCopy.Upload<float>(_driver, _stream, dData, data);

        _driver.BeginCapture(_stream);
        try
        {
            for (var i = 0; i < launches; i++) LaunchAddScalar(addScalar, dData, 1f, n, programmatic: false);
        }
        catch
        {
            try { _driver.EndCapture(_stream).Dispose(); } catch (CudaException) { }
            throw;
        }
        using var graph = _driver.EndCapture(_stream);
        using var exec = _driver.Instantiate(graph);
        for (var r = 0; r < replays; r++) _driver.Launch(exec, _stream);

        var got = new float[n];
        DeviceCopy.Download<float>(_driver, _stream, got, dData);
        var wrong = 0;
        for (var i = 0; i < n; i++)
        {
            var expected = data[i];
            for (var j = 0; j < launches * replays; j++) expected += 1f;
            if (got[i] != expected) wrong++;
        }
        _log.WriteLine($"  {launches} kernels captured, graph replayed {replays} times: {wrong} of {n} elements differ from the CPU");
        return wrong == 0;
    }

    /// <summary>A plain launch followed by two programmatic dependent launches on the same data.</summary>
    private bool CheckProgrammaticLaunch(CudaFunction addScalar)
    {
        const int n = 1 << 20;
        var data = RandomFloats(n);
        using var block = new DeviceBlock(_driver, n * 4L);
        var dData = block.Allocate(n * 4L);
        DeviceCopy.Upload<float>(_driver, _stream, dData, data);
        LaunchAddScalar(addScalar, dData, 1f, n, programmatic: false);
        LaunchAddScalar(addScalar, dData, 2f, n, programmatic: true);
        LaunchAddScalar(addScalar, dData, 3f, n, programmatic: true);
        var got = new float[n];
        DeviceCopy.Download<float>(_driver, _stream, got, dData);
        var wrong = 0;
        for (var i = 0; i < n; i++)
            if (got[i] != data[i] + 1f + 2f + 3f) wrong++;
        _log.WriteLine($"  cuLaunchKernelEx with programmatic stream serialization: {wrong} of {n} elements differ from the CPU");
        return wrong == 0;
    }

    /// <summary>100 one-block kernels: the host's cost per launch call, and the device's time per kernel launched directly or from a graph.</summary>
    private bool TimeLaunchOverhead(CudaFunction addScalar)
    {
        const int n = 256, kernels = 100;
        using var block = new DeviceBlock(_driver, n * 4L);
        var dData = block.Allocate(n * 4L);
        DeviceCopy.Upload<float>(_driver, _stream, dData, RandomFloats(n));

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 10 * kernels; i++) LaunchAddScalar(addScalar, dData, 1f, n, programmatic: false);
        var hostMicroseconds = clock.Elapsed.TotalMicroseconds / (10 * kernels);
        _driver.Synchronize(_stream);

        var directMs = _timer.MedianMilliseconds(() =>
        {
            for (var i = 0; i < kernels; i++) LaunchAddScalar(addScalar, dData, 1f, n, programmatic: false);
        });
        _driver.BeginCapture(_stream);
        try
        {
            for (var i = 0; i < kernels; i++) LaunchAddScalar(addScalar, dData, 1f, n, programmatic: false);
        }
        catch
        {
            try { _driver.EndCapture(_stream).Dispose(); } catch (CudaException) { }
            throw;
        }
        using var graph = _driver.EndCapture(_stream);
        using var exec = _driver.Instantiate(graph);
        var graphMs = _timer.MedianMilliseconds(() => _driver.Launch(exec, _stream));
        _log.WriteLine($"  host: {hostMicroseconds:F2} us per cuLaunchKernel call; device: {directMs * 1000 / kernels:F2} us per kernel launched directly, "
            + $"{graphMs * 1000 / kernels:F2} us per kernel in a graph of {kernels}");
        return true;
    }

    private unsafe void LaunchAddScalar(CudaFunction addScalar, ulong data, float value, int n, bool programmatic)
    {
        void** args = stackalloc void*[3];
        args[0] = &data;
        args[1] = &value;
        args[2] = &n;
        var grid = new Dim3((uint)((n + 255) / 256));
        var block = new Dim3(256);
        if (programmatic) _driver.LaunchProgrammaticDependent(addScalar, grid, block, 0, _stream, args);
        else _driver.Launch(addScalar, grid, block, 0, _stream, args);
    }

    private float[] RandomFloats(int n)
    {
        var values = new float[n];
        for (var i = 0; i < n; i++) values[i] = _random.NextSingle() * 2f - 1f;
        return values;
    }
}
