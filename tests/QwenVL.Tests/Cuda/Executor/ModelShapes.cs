using QwenVL.Runtime.Model;

namespace QwenVL.Tests.Cuda.Executor;

/// <summary>Decoder shapes for planning tests: Qwen2-VL-2B's and the tiny fixture's.</summary>
internal static class ModelShapes
{
    public static TextConfig Qwen2Vl2B { get; } = new(1536, 8960, 28, 12, 2, 151936, 1e-6, 1e6, [16, 24, 24], 32768, true);

    public static TextConfig Tiny { get; } = new(128, 256, 2, 2, 1, 151936, 1e-6, 1e6, [8, 12, 12], 32768, true);
}
