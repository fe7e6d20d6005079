using QwenVL.Cuda.Kernels;
using QwenVL.Tests.Checkpoint;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class KernelSourcesTests
{
    [Fact]
    public void Every_kernel_file_is_embedded_with_its_entry_points()
    {
        Assert.Equal([KernelSources.Embed, KernelSources.PagedAttention, KernelSources.QkvRopeCache, KernelSources.RmsNormF32,
            KernelSources.RmsNormResidual, KernelSources.SelfTest, KernelSources.SiluMul], KernelSources.FileNames);
        Assert.Contains($"extern \"C\" __global__ void {RmsNormResidualKernel.EntryPoint}(", KernelSources.Read(KernelSources.RmsNormResidual));
        Assert.Contains($"extern \"C\" __global__ void {SiluMulKernel.EntryPoint}(", KernelSources.Read(KernelSources.SiluMul));
        Assert.Contains("extern \"C\" __global__ void add_scalar_f32(", KernelSources.Read(KernelSources.SelfTest));
        Assert.Contains($"extern \"C\" __global__ void {EmbedKernel.EntryPoint}(", KernelSources.Read(KernelSources.Embed));
        Assert.Contains($"extern \"C\" __global__ void {RmsNormF32Kernel.EntryPoint}(", KernelSources.Read(KernelSources.RmsNormF32));
        Assert.Contains($"extern \"C\" __global__ void {QkvRopeCacheKernel.EntryPoint}(", KernelSources.Read(KernelSources.QkvRopeCache));
        var attention = KernelSources.Read(KernelSources.PagedAttention);
        Assert.Contains("PAGED_ATTENTION_ENTRY(64)", attention);
        Assert.Contains("PAGED_ATTENTION_ENTRY(128)", attention);
        Assert.Equal("paged_attention_hd128", PagedAttentionKernel.EntryPoint(128));
    }

    [Fact]
    public void An_unknown_kernel_file_is_an_error_listing_the_known_ones()
    {
        var e = Assert.Throws<FileNotFoundException>(() => KernelSources.Read("nope.cu"));
        Assert.Contains("silu_mul.cu", e.Message);
    }

    [Fact]
    public void Cuda_headers_are_found_by_their_bf16_header_with_cccl_beside_them()
    {
        using var dir = new TempDirectory();
        var include = Path.Combine(dir.Path, "cuda", "include");
        Directory.CreateDirectory(Path.Combine(include, "cccl"));
        File.WriteAllText(Path.Combine(include, "cuda_bf16.h"), "");
        var candidates = CudaIncludeDirectory.Candidates([Path.Combine(dir.Path, "cuda", "lib64")], null, null);
        Assert.Equal(include, candidates[0]);
        Assert.Equal(["-I" + include, "-I" + Path.Combine(include, "cccl")], CudaIncludeDirectory.IncludeOptions(candidates));
    }

    [Fact]
    public void Missing_cuda_headers_are_an_error_listing_the_folders_searched()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => CudaIncludeDirectory.IncludeOptions(["/no/such/include", "/nor/this"]));
        Assert.Contains("/no/such/include", e.Message);
        Assert.Contains("/nor/this", e.Message);
        Assert.Contains("QWENVL_CUDA_INCLUDE", e.Message);
    }
}
