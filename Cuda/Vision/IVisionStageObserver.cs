using QwenVL.Cuda.Handles;

namespace QwenVL.Cuda.Vision;

/// <summary>The kinds of work in one encode, as the tower marks them for an <see cref="IVisionStageObserver"/>.</summary>
internal enum VisionStage { Input, Matmul, LayerNorm, Rotary, Attention, Activation }

/// <summary>
/// Told on the tower's stream where each stage of an encode begins and where the encode ends; the checks record
/// events there to split the device time by kind of work. Serving sets none.
/// </summary>
internal interface IVisionStageObserver
{
    void Mark(VisionStage stage, CudaStreamHandle stream);

    void End(CudaStreamHandle stream);
}
