using QwenVL.Cuda.Executor;
using QwenVL.Cuda.Memory;
using Xunit;

namespace QwenVL.Tests.Cuda.Executor;

public class WeightLayoutTests
{
    [Fact]
    public void The_2b_decoder_takes_its_bf16_matrices_plus_small_fp32_vectors()
    {
        var c = ModelShapes.Qwen2Vl2B;
        var layout = WeightLayout.Plan(c, tiedLmHead: true);
        long matrices = 151936L * 1536 + 28L * (2048L * 1536 + 1536L * 1536 + 2 * 8960L * 1536 + 1536L * 8960);
        long vectors = 28L * (1536 + 2048 + 1536) + 1536 + 64;
        Assert.Equal(2048, layout.QkvWidth);
        Assert.InRange(layout.Bytes, 2 * matrices + 4 * vectors, 2 * matrices + 4 * vectors + 256L * (2 + 7 * 28));
        Assert.InRange(layout.Bytes / 1e9, 3.08, 3.10); // DESIGN.md: 3.09 GB in bf16
    }

    [Fact]
    public void Every_tensor_is_aligned_and_follows_the_one_before_without_overlap()
    {
        var c = ModelShapes.Tiny;
        var layout = WeightLayout.Plan(c, tiedLmHead: false);
        long h = 128, v = 151936, inter = 256, qkv = 256;
        var regions = new List<(long Offset, long Bytes)> { (layout.Embedding, v * h * 2) };
        foreach (var l in layout.Layers)
        {
            regions.Add((l.InputNorm, h * 4));
            regions.Add((l.Qkv, qkv * h * 2));
            regions.Add((l.QkvBias, qkv * 4));
            regions.Add((l.O, h * h * 2));
            regions.Add((l.PostAttentionNorm, h * 4));
            regions.Add((l.GateUp, 2 * inter * h * 2));
            regions.Add((l.Down, h * inter * 2));
        }
        regions.Add((layout.FinalNorm, h * 4));
        regions.Add((layout.LmHead, v * h * 2));
        regions.Add((layout.InverseFrequency, 32 * 4));
        for (int i = 0; i < regions.Count; i++)
        {
            Assert.Equal(0, regions[i].Offset % DeviceArena.DefaultAlignment);
            if (i > 0) Assert.Equal(DeviceArena.AlignUp(regions[i - 1].Offset + regions[i - 1].Bytes, DeviceArena.DefaultAlignment), regions[i].Offset);
        }
        Assert.Equal(regions[^1].Offset + regions[^1].Bytes, layout.Bytes);
    }

    [Fact]
    public void A_tied_lm_head_is_the_embedding_matrix()
    {
        var tied = WeightLayout.Plan(ModelShapes.Tiny, tiedLmHead: true);
        var untied = WeightLayout.Plan(ModelShapes.Tiny, tiedLmHead: false);
        Assert.Equal(tied.Embedding, tied.LmHead);
        Assert.NotEqual(untied.Embedding, untied.LmHead);
        Assert.True(untied.Bytes - tied.Bytes >= 151936L * 128 * 2);
    }
}
