using QwenVL.Cuda.Kernels;
using QwenVL.Tests.Checkpoint;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class CubinCacheTests
{
    private const string Key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_written_cubin_is_read_back_and_other_keys_miss()
    {
        using var dir = new TempDirectory();
        var cache = new CubinCache(Path.Combine(dir.Path, "nested", "cubin"));
        Assert.False(cache.TryRead("rmsnorm_residual.cu", "sm_90", Key, out _));
        cache.Write("rmsnorm_residual.cu", "sm_90", Key, [1, 2, 3, 4]);
        Assert.True(cache.TryRead("rmsnorm_residual.cu", "sm_90", Key, out var cubin));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, cubin);
        Assert.False(cache.TryRead("rmsnorm_residual.cu", "sm_89", Key, out _));
        Assert.False(cache.TryRead("silu_mul.cu", "sm_90", Key, out _));
        Assert.Equal(Path.Combine(dir.Path, "nested", "cubin", $"rmsnorm_residual.sm_90.{Key}.cubin"),
            cache.PathFor("rmsnorm_residual.cu", "sm_90", Key));
        Assert.Single(Directory.GetFiles(cache.Directory)); // no temporary file left behind
    }

    [Fact]
    public void An_empty_file_counts_as_a_miss()
    {
        using var dir = new TempDirectory();
        var cache = new CubinCache(dir.Path);
        File.WriteAllBytes(cache.PathFor("k.cu", "sm_90", Key), []);
        Assert.False(cache.TryRead("k.cu", "sm_90", Key, out _));
    }

    [Fact]
    public void Default_folder_is_under_home_unless_the_variable_names_one()
    {
        Assert.Equal("/home/u/.cache/qwenvl/cubin", CubinCache.DefaultDirectory(null, "/home/u"));
        Assert.Equal("/home/u/.cache/qwenvl/cubin", CubinCache.DefaultDirectory("", "/home/u"));
        Assert.Equal("/tmp/cubins", CubinCache.DefaultDirectory("/tmp/cubins", "/home/u"));
    }
}
