namespace QwenVL.Cuda.Executor;

/// <summary>
/// Where one step's time went, in milliseconds. Host: packing the metadata, queueing the copies and launches,
/// waiting for the stream, sampling. Device: the forward pass between two events on the stream (metadata copy
/// to lm_head), so it includes any gaps the host's launching left on the device.
/// </summary>
public readonly record struct StepTimings(double Pack, double Queue, double Wait, double Sample, double Device)
{
    public double Host => Pack + Queue + Wait + Sample;
}
