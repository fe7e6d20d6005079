using QwenVL.Cuda;
using QwenVL.Cuda.Diagnostics;
using QwenVL.Tests.Checkpoint;
using QwenVL.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Cuda;

/// <summary>Runs only where a CUDA device is present; elsewhere it is skipped with the reason "no CUDA device".</summary>
public class CudaVisionTowerGpuTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Vision_tower_matches_the_reference_and_the_cpu_tower_on_the_tiny_fixture()
    {
        Skip.IfNot(CudaDevice.IsAvailable(out _), "no CUDA device");
        using var cache = new TempDirectory();
        var log = new StringWriter();
        var passed = VisionTowerCheck.Run(log, FixturePaths.TinyModel, largeDirectory: null, cache.Path);
        output.WriteLine(log.ToString());
        Assert.True(passed, log.ToString());
    }
}
