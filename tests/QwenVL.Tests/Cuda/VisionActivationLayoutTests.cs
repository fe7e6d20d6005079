using QwenVL.Cuda.Vision;
using QwenVL.Runtime.Model;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class VisionActivationLayoutTests
{
    private static readonly VisionConfig Vision2B =
        new(Depth: 32, EmbedDim: 1280, NumHeads: 16, MlpRatio: 4, InChannels: 3, OutHiddenSize: 1536, PatchSize: 14, SpatialMergeSize: 2, TemporalPatchSize: 2);

    [Fact]
    public void Buffers_for_a_448_pixel_image_at_2b_shapes_are_aligned_disjoint_and_large_enough()
    {
        var layout = VisionActivationLayout.Plan(Vision2B, maxPatches: 1024);
        const long n = 1024;
        (string Name, long Offset, long Bytes)[] regions =
        [
            ("pixels f32", layout.PixelsF32, n * 1176 * 4),
            ("positions", layout.Positions, n * 2 * 4),
            ("tiles", layout.Tiles, layout.MaxTiles * 3L * 4),
            ("pixels bf16", layout.PixelsBf16, n * 1176 * 2),
            ("residual", layout.Residual, n * 1280 * 4),
            ("normed", layout.Normed, n * 1280 * 2),
            ("delta", layout.Delta, n * 1280 * 2),
            ("wide", layout.Wide, n * 5120 * 2),
            ("output", layout.Output, 256L * 1536 * 2),
            ("workspace", layout.Workspace, VisionActivationLayout.DefaultWorkspaceBytes),
        ];
        foreach (var (name, offset, _) in regions) Assert.True(offset % 256 == 0, $"{name} at {offset} is not 256-byte aligned");
        var sorted = regions.OrderBy(r => r.Offset).ToArray();
        for (int i = 1; i < sorted.Length; i++)
            Assert.True(sorted[i - 1].Offset + sorted[i - 1].Bytes <= sorted[i].Offset, $"{sorted[i - 1].Name} overlaps {sorted[i].Name}");
        Assert.True(sorted[^1].Offset + sorted[^1].Bytes <= layout.TotalBytes);
        Assert.Equal(layout.Tiles + layout.MaxTiles * 3L * 4, layout.StagedBytes);
        Assert.Equal(256, layout.MaxTokens);
        Assert.Equal(5120, layout.WideColumns);
        // Nothing but alignment padding between the regions: about 60 MiB, half of it cuBLASLt's workspace.
        Assert.InRange(layout.TotalBytes - regions.Sum(r => r.Bytes), 0, regions.Length * 256);
    }

    [Fact]
    public void The_wide_buffer_holds_qkv_when_the_mlp_is_narrower()
    {
        var tiny = Vision2B with { EmbedDim = 64, NumHeads = 2, MlpRatio = 2, OutHiddenSize = 128 };
        Assert.Equal(192, VisionActivationLayout.Plan(tiny, 64).WideColumns);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void A_size_that_is_not_whole_merge_windows_is_rejected(int maxPatches)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VisionActivationLayout.Plan(Vision2B, maxPatches));
    }
}
