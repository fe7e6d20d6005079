using QwenVL.Cuda;
using QwenVL.Runtime.Cpu;
using QwenVL.Tests.Fixtures;
using Xunit;
using QwenVL.App.Cli;
using QwenVL.App.Composition;
using QwenVL.Http.Configuration;

namespace QwenVL.Tests.Http;

/// <summary>Which executor `serve` runs: --device auto falls back to the CPU; --device cuda without a GPU is a clear error.</summary>
public class ServeDeviceTests
{
    [SkippableFact]
    public async Task Device_cuda_without_a_gpu_exits_with_the_reason()
    {
        Skip.If(CudaDevice.IsAvailable(out _), "a CUDA device is present: this test is for machines without one");
        var stderr = new StringWriter();
        int code = await CommandLine.RunAsync(["serve", FixturePaths.TinyModel, "--device", "cuda", "--port", "0"],
            new StringReader(""), new StringWriter(), stderr);
        Assert.Equal(2, code);
        Assert.Contains("no usable CUDA device", stderr.ToString());
    }

    [SkippableFact]
    public void Device_auto_without_a_gpu_runs_the_cpu_executor()
    {
        Skip.If(CudaDevice.IsAvailable(out _), "a CUDA device is present: auto picks it");
        using var model = LoadedModel.Open(FixturePaths.TinyModel, 256, choice: new ExecutorChoice(ExecutionDevice.Auto));
        Assert.IsType<CpuExecutor>(model.Executor);
    }

    [Fact]
    public void Device_cpu_always_runs_the_cpu_executor()
    {
        using var model = LoadedModel.Open(FixturePaths.TinyModel, 256, choice: new ExecutorChoice(ExecutionDevice.Cpu));
        Assert.IsType<CpuExecutor>(model.Executor);
    }
}
