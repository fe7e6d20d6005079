using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// Times device work with a pair of events around it on one stream: warm-up runs first, then the median
/// of several timed runs, so that module loading, first-touch and clock ramp-up stay out of the number.
/// </summary>
public sealed class EventTimer : IDisposable
{
    private readonly CudaDriver _driver;
    private readonly CudaStreamHandle _stream;
    private readonly CudaEventHandle _start;
    private readonly CudaEventHandle _stop;

    public EventTimer(CudaDriver driver, CudaStreamHandle stream)
    {
        _driver = driver;
        _stream = stream;
        _start = driver.CreateEvent();
        _stop = driver.CreateEvent();
    }

    /// <summary>Median milliseconds of one call of <paramref name="work"/>, which queues its work on the timer's stream.</summary>
    public double MedianMilliseconds(Action work, int warmups = 3, int repeats = 20)
    {
        for (var i = 0; i < warmups; i++) work();
        _driver.Synchronize(_stream);
        var times = new double[repeats];
        for (var i = 0; i < repeats; i++)
        {
            _driver.Record(_start, _stream);
            work();
            _driver.Record(_stop, _stream);
            _driver.Synchronize(_stop);
            times[i] = _driver.ElapsedMilliseconds(_start, _stop);
        }
        Array.Sort(times);
        return repeats % 2 == 1 ? times[repeats / 2] : (times[repeats / 2 - 1] + times[repeats / 2]) / 2;
    }

    public void Dispose()
    {
        _stop.Dispose();
        _start.Dispose();
    }
}
