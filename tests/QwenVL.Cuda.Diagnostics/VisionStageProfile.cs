using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

using QwenVL.Cuda.Vision;

namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// Device time of one encode split by kind of work: an event is recorded before each stage, and the time from one
/// event to the next is charged to the stage that began at the first. Events cost a little time each.
/// </summary>
internal sealed class VisionStageProfile(CudaDriver driver) : IVisionStageObserver, IDisposable
{
    private readonly List<CudaEventHandle> _events = [];
    private readonly List<VisionStage> _stages = [];

    /// <summary>Records the start of <paramref name="stage"/> (and the end of the one before) on the stream.</summary>
    public void Mark(VisionStage stage, CudaStreamHandle stream)
    {
        Record(stream);
        _stages.Add(stage);
    }

    /// <summary>Records the end of the last stage.</summary>
    public void End(CudaStreamHandle stream) => Record(stream);

    /// <summary>Milliseconds per stage, once the stream has passed <see cref="End"/>.</summary>
    public IReadOnlyDictionary<VisionStage, double> Milliseconds()
    {
        var result = Enum.GetValues<VisionStage>().ToDictionary(s => s, _ => 0.0);
        driver.Synchronize(_events[_stages.Count]);
        for (int i = 0; i < _stages.Count; i++) result[_stages[i]] += driver.ElapsedMilliseconds(_events[i], _events[i + 1]);
        return result;
    }

    private void Record(CudaStreamHandle stream)
    {
        var e = driver.CreateEvent();
        _events.Add(e);
        driver.Record(e, stream);
    }

    public void Dispose()
    {
        foreach (var e in _events) e.Dispose();
        _events.Clear();
        _stages.Clear();
    }
}
