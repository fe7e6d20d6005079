using QwenVL.Cuda.Executor;
using QwenVL.Cuda.Kernels;
using QwenVL.Cuda.Memory;
using Xunit;

namespace QwenVL.Tests.Cuda.Executor;

public class ActivationLayoutTests
{
    [Fact]
    public void The_2b_buffers_for_2048_tokens_and_256_sequences_fit_in_about_450_MB()
    {
        var layout = ActivationLayout.Plan(ModelShapes.Qwen2Vl2B, maxTokens: 2048, maxSampleRows: 256, metadataBytes: 1 << 20, workspaceBytes: 32 << 20);
        long t = 2048;
        long expected = t * 1536 * 4 + t * 1536 * 2 + t * 2048 * 4 + 2 * t * 1536 * 2 + t * 17920 * 2 + t * 8960 * 2
            + 256L * 1536 * 2 + 256L * 151936 * 4 + 256L * 12 * DecodeAttentionMmaKernel.MaxSplits * 130 * 4 + (32 << 20) + (1 << 20);
        Assert.InRange(layout.Bytes, expected, expected + 12 * 256);
        Assert.InRange(layout.Bytes / 1e6, 300, 450);
    }

    [Fact]
    public void Buffers_are_aligned_in_order_and_do_not_overlap()
    {
        var l = ActivationLayout.Plan(ModelShapes.Tiny, maxTokens: 37, maxSampleRows: 5, metadataBytes: 1000, workspaceBytes: 4096);
        long[] offsets = [l.Residual, l.Normed, l.Qkv, l.Query, l.Attention, l.GateUp, l.Activated, l.FinalRows, l.Logits, l.DecodePartials, l.Workspace, l.Metadata];
        long[] sizes = [37 * 128 * 4, 37 * 128 * 2, 37 * 256 * 4, 37 * 128 * 2, 37 * 128 * 2, 37 * 512 * 2, 37 * 256 * 2, 5 * 128 * 2, 5 * 151936L * 4,
            DecodeAttentionMmaKernel.PartialsBytes(5, ModelShapes.Tiny.NumHeads, ModelShapes.Tiny.HeadDim), 4096, 1000];
        for (int i = 0; i < offsets.Length; i++)
        {
            Assert.Equal(0, offsets[i] % DeviceArena.DefaultAlignment);
            if (i > 0) Assert.True(offsets[i] >= offsets[i - 1] + sizes[i - 1], $"buffer {i} overlaps the one before");
        }
        Assert.Equal(l.Metadata + 1000, l.Bytes);
    }
}
