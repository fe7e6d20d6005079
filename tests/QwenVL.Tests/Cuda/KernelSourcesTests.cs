using QwenVL.Cuda.Kernels;
using QwenVL.Tests.Checkpoint;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class KernelSourcesTests
{
    [Fact]
    public void Every_kernel_file_is_embedded_with_its_entry_points()
    {
        Assert.Equal(
            [KernelSources.DecodeAttention, KernelSources.DecodeAttentionMma, KernelSources.Embed, KernelSources.Gemv, KernelSources.PagedAttention, KernelSources.PagedPrefillAttention, KernelSources.QkvRopeCache, KernelSources.RmsNormF32,
                KernelSources.RmsNormResidual, KernelSources.Sampling, KernelSources.SelfTest, KernelSources.SiluMul, KernelSources.VisionAttention,
                KernelSources.VisionElementwise, KernelSources.VisionLayerNorm, KernelSources.VisionRotary],
            KernelSources.FileNames);
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
        var prefill = KernelSources.Read(KernelSources.PagedPrefillAttention);
        foreach (var headDim in PagedPrefillAttentionKernel.HeadDims) Assert.Contains($"PAGED_PREFILL_ATTENTION_ENTRY({headDim})", prefill);
        Assert.Contains("paged_prefill_attention_hd##HD(", prefill);
        Assert.Equal("paged_prefill_attention_hd64", PagedPrefillAttentionKernel.EntryPoint(64));
        var decode = KernelSources.Read(KernelSources.DecodeAttention);
        foreach (var headDim in new[] { 64, 128 }) Assert.Contains($"DECODE_ATTENTION_ENTRY({headDim})", decode);
        Assert.Contains("decode_attention_hd##HD##_g##G(", decode);
        for (int group = 1; group <= DecodeAttentionKernel.MaxGroup; group++) Assert.Contains($"DECODE_ATTENTION_GROUP(HD, {group})", decode);
        Assert.Contains("decode_attention_combine_hd##HD(", decode);
        var mma = KernelSources.Read(KernelSources.DecodeAttentionMma);
        foreach (var headDim in new[] { 64, 128 }) Assert.Contains($"DECODE_ATTENTION_MMA_ENTRY({headDim})", mma);
        Assert.Contains("decode_attention_mma_hd##HD##_g##G(", mma);
        for (int group = 1; group <= DecodeAttentionKernel.MaxGroup; group++) Assert.Contains($"DECODE_ATTENTION_MMA_GROUP(HD, {group})", mma);
        Assert.Equal("decode_attention_mma_hd128_g6", DecodeAttentionMmaKernel.EntryPoint(128, 6));
        Assert.Contains($"constexpr int kKeys = {DecodeAttentionMmaKernel.KeysPerTile};", mma);
        var gemv = KernelSources.Read(KernelSources.Gemv);
        foreach (var rows in GemvKernel.Variants) Assert.Contains($"GEMV_ENTRIES({rows})", gemv);
        Assert.Contains("gemv_f32_m##M(", gemv);
        Assert.Contains("gemv_silu_m##M(", gemv);
    }

    [Fact]
    public void Vision_kernel_files_define_the_entry_points_their_launchers_look_up()
    {
        Assert.Contains($"extern \"C\" __global__ void {ResidualLayerNormKernel.EntryPoint}(", KernelSources.Read(KernelSources.VisionLayerNorm));
        Assert.Contains($"extern \"C\" __global__ void {QkvRotaryKernel.EntryPoint}(", KernelSources.Read(KernelSources.VisionRotary));
        var elementwise = KernelSources.Read(KernelSources.VisionElementwise);
        foreach (var name in new[] { "f32_to_bf16", "bias_quick_gelu_bf16", "bias_gelu_bf16", "bias_add_bf16" })
            Assert.Contains($"extern \"C\" __global__ void {name}(", elementwise);
        var attention = KernelSources.Read(KernelSources.VisionAttention);
        foreach (var headDim in VisionAttentionKernel.HeadDims) Assert.Contains($"VISION_ATTENTION({headDim})", attention);
        Assert.Contains("vision_attention_hd##HD(", attention);
        Assert.Contains("vision_attention_simple_hd##HD(", attention);
    }

    [Theory]
    [InlineData(32, 14848)]
    [InlineData(80, 34048)]
    [InlineData(128, 53248)]
    public void Attention_shared_memory_holds_q_k_and_v_transposed(int headDim, int bytes)
    {
        // Q and K: 64 rows of headDim + 8 bf16; Vᵀ: headDim rows of 64 + 8 bf16.
        Assert.Equal(bytes, VisionAttentionKernel.SharedBytesFor(headDim));
        Assert.Equal(2 * 64 * (headDim + 8) * 2 + headDim * 72 * 2, bytes);
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

    [Fact]
    public void Shared_headers_are_pasted_where_a_kernel_includes_them()
    {
        foreach (var file in new[] { KernelSources.DecodeAttentionMma, KernelSources.PagedPrefillAttention })
        {
            var source = KernelSources.Read(file);
            Assert.DoesNotContain("#include \"mma_ptx.cuh\"", source);
            Assert.Contains("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32", source);
            Assert.Contains("__device__ __forceinline__ void cp_async_wait_all()", source);
        }
        Assert.DoesNotContain("mma_ptx.cuh", KernelSources.FileNames);
    }
}
