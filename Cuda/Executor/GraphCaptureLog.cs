using Microsoft.Extensions.Logging;

namespace QwenVL.Cuda.Executor;

/// <summary>The executor's start-up lines about its decode graphs, as `serve` prints them (vLLM's words where it has them).</summary>
internal static partial class GraphCaptureLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Capturing CUDA graphs for decode steps (--enforce-eager skips this) ...")]
    public static partial void Capturing(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Captured {Count} CUDA graphs in {Seconds:F1} s, for decode batch sizes {Sizes}")]
    public static partial void Captured(ILogger logger, int count, string sizes, double seconds);
}
