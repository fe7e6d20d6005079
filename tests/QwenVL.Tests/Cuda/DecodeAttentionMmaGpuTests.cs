using QwenVL.Cuda;
using QwenVL.Cuda.Diagnostics;
using QwenVL.Tests.Checkpoint;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Cuda;

/// <summary>Runs only where a CUDA device is present; elsewhere it is skipped with the reason "no CUDA device".</summary>
public class DecodeAttentionMmaGpuTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Tensor_core_decode_attention_matches_float64_and_the_cuda_core_kernel()
    {
        Skip.IfNot(CudaDevice.IsAvailable(out _), "no CUDA device");
        using var cache = new TempDirectory();
        var log = new StringWriter();
        var passed = DecodeAttentionCheck.Run(log, cache.Path, timings: false);
        output.WriteLine(log.ToString());
        Assert.True(passed, log.ToString());
    }
}
