using QwenVL.Cuda.Diagnostics;
using QwenVL.Cuda.Diagnostics.ReferenceKernels;
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
            [KernelSources.DecodeAttentionCombine, KernelSources.DecodeAttentionMma, KernelSources.Embed, KernelSources.Gemv, KernelSources.PagedPrefillAttention, KernelSources.QkvRopeCache, KernelSources.RmsNormF32,
                KernelSources.RmsNormResidual, KernelSources.Sampling, KernelSources.SiluMul, KernelSources.VisionAttention,
                KernelSources.VisionElementwise, KernelSources.VisionLayerNorm, KernelSources.VisionRotary],
            KernelSources.FileNames);
        Assert.Contains($"extern \"C\" __global__ void {RmsNormResidualKernel.EntryPoint}(", KernelSources.Read(KernelSources.RmsNormResidual));
        Assert.Contains($"extern \"C\" __global__ void {SiluMulKernel.EntryPoint}(", KernelSources.Read(KernelSources.SiluMul));
        Assert.Contains($"extern \"C\" __global__ void {EmbedKernel.EntryPoint}(", KernelSources.Read(KernelSources.Embed));
        Assert.Contains($"extern \"C\" __global__ void {RmsNormF32Kernel.EntryPoint}(", KernelSources.Read(KernelSources.RmsNormF32));
        Assert.Contains($"extern \"C\" __global__ void {QkvRopeCacheKernel.EntryPoint}(", KernelSources.Read(KernelSources.QkvRopeCache));
        var prefill = KernelSources.Read(KernelSources.PagedPrefillAttention);
        foreach (var headDim in PagedPrefillAttentionKernel.HeadDims) Assert.Contains($"PAGED_PREFILL_ATTENTION_ENTRY({headDim})", prefill);
        Assert.Contains("paged_prefill_attention_hd##HD(", prefill);
        Assert.Equal("paged_prefill_attention_hd64", PagedPrefillAttentionKernel.EntryPoint(64));
        var combine = KernelSources.Read(KernelSources.DecodeAttentionCombine);
        foreach (var headDim in new[] { 64, 128 }) Assert.Contains($"DECODE_ATTENTION_COMBINE_ENTRY({headDim})", combine);
        Assert.Contains("decode_attention_combine_hd##HD(", combine);
        Assert.Equal("decode_attention_combine_hd128", DecodeAttentionMmaKernel.CombineEntryPoint(128));
        var mma = KernelSources.Read(KernelSources.DecodeAttentionMma);
        foreach (var headDim in new[] { 64, 128 }) Assert.Contains($"DECODE_ATTENTION_MMA_ENTRY({headDim})", mma);
        Assert.Contains("decode_attention_mma_hd##HD##_g##G(", mma);
        for (int group = 1; group <= DecodeAttentionMmaKernel.MaxGroup; group++) Assert.Contains($"DECODE_ATTENTION_MMA_GROUP(HD, {group})", mma);
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
        Assert.DoesNotContain("vision_attention_simple", attention);
        var reference = CheckKernelSources.Read(CheckKernelSources.VisionAttentionSimple);
        foreach (var headDim in VisionAttentionKernel.HeadDims) Assert.Contains($"VISION_ATTENTION_SIMPLE({headDim})", reference);
        Assert.Contains("vision_attention_simple_hd##HD(", reference);
        Assert.Equal("vision_attention_simple_hd80", CudaCoreVisionAttentionKernel.EntryPoint(80));
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
        Assert.Equal(["mma.cuh", "online_softmax.cuh", "reductions.cuh", "staged_kv_mma.cuh"], KernelSources.HeaderNames);
        foreach (var file in KernelSources.FileNames)
            Assert.DoesNotContain("#include \"", KernelSources.Read(file));
        foreach (var file in new[] { KernelSources.DecodeAttentionMma, KernelSources.PagedPrefillAttention })
        {
            var source = KernelSources.Read(file);
            Assert.Contains("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32", source);
            Assert.Contains("__device__ __forceinline__ void cp_async_wait_all()", source);
            Assert.Contains("__device__ __forceinline__ void stage_scores(", source);
        }
        foreach (var file in new[] { KernelSources.RmsNormF32, KernelSources.RmsNormResidual, KernelSources.VisionLayerNorm })
            Assert.Contains("__device__ float block_sum(float v)", KernelSources.Read(file));
    }

    [Fact]
    public void A_header_included_twice_is_pasted_once_and_its_own_includes_are_expanded()
    {
        // vision_attention.cu includes mma.cuh, and online_softmax.cuh includes it again (and reductions.cuh).
        var source = KernelSources.Read(KernelSources.VisionAttention);
        Assert.Single(Occurrences(source, "#define QWENVL_MMA_CUH"));
        Assert.Single(Occurrences(source, "#define QWENVL_REDUCTIONS_CUH"));
        Assert.Single(Occurrences(source, "__device__ __forceinline__ float neg_inf()"));
        Assert.Contains("// mma.cuh: pasted above", source);
        Assert.True(source.IndexOf("float warp_sum(", StringComparison.Ordinal) < source.IndexOf("void online_softmax_rows(", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_header_is_an_error_listing_the_embedded_ones()
    {
        var e = Assert.Throws<FileNotFoundException>(() => KernelSources.ExpandIncludes("#include \"nope.cuh\"\n"));
        Assert.Contains("reductions.cuh", e.Message);
    }

    private static IEnumerable<int> Occurrences(string text, string value)
    {
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal)) yield return at;
    }
}
