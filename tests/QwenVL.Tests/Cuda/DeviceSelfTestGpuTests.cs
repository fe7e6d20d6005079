using QwenVL.Cuda;
using QwenVL.Cuda.Diagnostics;
using QwenVL.Cuda.Kernels;
using QwenVL.Tests.Checkpoint;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Cuda;

/// <summary>Runs only where a CUDA device is present; elsewhere each test is skipped with the reason "no CUDA device".</summary>
public class DeviceSelfTestGpuTests(ITestOutputHelper output)
{
    private static void SkipWithoutDevice() => Skip.IfNot(CudaDevice.IsAvailable(out _), "no CUDA device");

    [SkippableFact]
    public void Device_self_test_passes()
    {
        SkipWithoutDevice();
        using var cache = new TempDirectory();
        var log = new StringWriter();
        var passed = DeviceSelfTest.Run(log, cache.Path);
        output.WriteLine(log.ToString());
        Assert.True(passed, log.ToString());
    }

    [SkippableFact]
    public void A_second_compile_of_the_same_kernel_comes_from_the_cache()
    {
        SkipWithoutDevice();
        using var device = CudaDevice.Open();
        using var cache = new TempDirectory();
        var first = CheckKernelSources.Compile(new KernelCompiler(device.Architecture, new CubinCache(cache.Path)), CheckKernelSources.SelfTest);
        var second = CheckKernelSources.Compile(new KernelCompiler(device.Architecture, new CubinCache(cache.Path)), CheckKernelSources.SelfTest);
        Assert.False(first.CacheHit);
        Assert.True(second.CacheHit);
        Assert.Equal(first.Cubin, second.Cubin);
        using var module = device.Driver.LoadModule(second.Cubin);
        Assert.Equal("add_scalar_f32", device.Driver.GetFunction(module, "add_scalar_f32").Name);
    }
}
