namespace QwenVL.Runtime.Cpu;

/// <summary>One decoder layer in float32: q, k and v fused into one matrix, gate and up into another.</summary>
public sealed record CpuLayerWeights(
    float[] InputNorm,
    CpuLinear Qkv,
    CpuLinear O,
    float[] PostAttentionNorm,
    CpuLinear GateUp,
    CpuLinear Down);
