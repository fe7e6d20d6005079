using QwenVL.Cuda.Diagnostics;
using QwenVL.Cuda.Diagnostics.ReferenceKernels;
using QwenVL.Cuda.Kernels;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class CheckKernelSourcesTests
{
    [Fact]
    public void The_checks_kernels_are_embedded_beside_them_with_their_entry_points()
    {
        Assert.Equal([CheckKernelSources.DecodeAttention, CheckKernelSources.PagedAttention, CheckKernelSources.VisionAttentionSimple, CheckKernelSources.SelfTest],
            CheckKernelSources.Names);
        Assert.Contains("extern \"C\" __global__ void add_scalar_f32(", CheckKernelSources.Read(CheckKernelSources.SelfTest));
        var attention = CheckKernelSources.Read(CheckKernelSources.PagedAttention);
        Assert.Contains("PAGED_ATTENTION_ENTRY(64)", attention);
        Assert.Contains("PAGED_ATTENTION_ENTRY(128)", attention);
        Assert.Equal("paged_attention_hd128", CudaCorePagedAttentionKernel.EntryPoint(128));
        var decode = CheckKernelSources.Read(CheckKernelSources.DecodeAttention);
        foreach (var headDim in new[] { 64, 128 }) Assert.Contains($"DECODE_ATTENTION_ENTRY({headDim})", decode);
        Assert.Contains("decode_attention_hd##HD##_g##G(", decode);
        for (int group = 1; group <= DecodeAttentionMmaKernel.MaxGroup; group++) Assert.Contains($"DECODE_ATTENTION_GROUP(HD, {group})", decode);
        Assert.Equal("decode_attention_hd128_g6", CudaCoreDecodeAttentionKernel.EntryPoint(128, 6));
    }

    [Fact]
    public void Reference_kernels_share_the_production_reductions()
    {
        foreach (var name in new[] { CheckKernelSources.PagedAttention, CheckKernelSources.DecodeAttention })
        {
            var source = CheckKernelSources.Read(name);
            Assert.DoesNotContain("#include \"", source);
            Assert.Contains("__device__ __forceinline__ float warp_max(float v)", source);
        }
    }

    [Fact]
    public void An_unknown_check_kernel_is_an_error_listing_the_known_ones()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CheckKernelSources.Read("ReferenceKernels/nope.cu"));
        Assert.Contains(CheckKernelSources.SelfTest, e.Message);
    }
}
