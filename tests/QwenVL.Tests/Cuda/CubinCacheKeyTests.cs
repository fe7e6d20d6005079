using QwenVL.Cuda.Kernels;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class CubinCacheKeyTests
{
    private const string Source = "extern \"C\" __global__ void k(float* x) { x[0] = 1.0f; }";
    private static readonly IReadOnlyList<string> Options = KernelCompiler.Options("sm_90");

    private static string Key(string source = Source, string arch = "sm_90", int major = 13, int minor = 0, IReadOnlyList<string>? options = null) =>
        CubinCacheKey.Compute(source, arch, (major, minor), options ?? Options);

    [Fact]
    public void Same_inputs_give_the_same_key()
    {
        Assert.Equal(Key(), Key());
        Assert.Equal(Key(), CubinCacheKey.Compute(string.Concat(Source), "sm_90", (13, 0), [.. Options]));
        Assert.Matches("^[0-9a-f]{64}$", Key());
    }

    [Fact]
    public void Key_changes_with_the_source()
    {
        Assert.NotEqual(Key(), Key(source: Source.Replace("1.0f", "2.0f")));
        Assert.NotEqual(Key(), Key(source: Source + "\n"));
    }

    [Fact]
    public void Key_changes_with_the_architecture()
    {
        Assert.NotEqual(Key(), Key(arch: "sm_89"));
        Assert.NotEqual(Key(), Key(arch: "sm_90a"));
    }

    [Fact]
    public void Key_changes_with_the_nvrtc_version()
    {
        Assert.NotEqual(Key(), Key(major: 12, minor: 8));
        Assert.NotEqual(Key(), Key(minor: 1));
        // 1.30 and 13.0 must not collide through careless joining
        Assert.NotEqual(Key(major: 1, minor: 30), Key(major: 13, minor: 0));
    }

    [Fact]
    public void Key_changes_with_the_code_generation_options()
    {
        Assert.NotEqual(Key(), Key(options: [.. Options, "--use_fast_math"]));
        Assert.NotEqual(Key(), Key(options: [.. Options.Reverse()]));
    }

    [Fact]
    public void Compile_options_target_the_architecture_with_cxx17_and_device_by_default()
    {
        Assert.Equal(["--gpu-architecture=sm_90", "-default-device", "--std=c++17"], KernelCompiler.Options("sm_90"));
    }
}
