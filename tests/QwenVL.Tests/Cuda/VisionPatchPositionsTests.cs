using QwenVL.Cuda.Vision;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class VisionPatchPositionsTests
{
    private static VisionConfig Config(int width, int heads) =>
        new(Depth: 1, EmbedDim: width, NumHeads: heads, MlpRatio: 4, InChannels: 3, OutHiddenSize: 64, PatchSize: 14, SpatialMergeSize: 2, TemporalPatchSize: 2);

    [Theory]
    [InlineData(64, 2, 4, 6)]
    [InlineData(1280, 16, 8, 4)]
    public void Positions_and_frequencies_give_the_cpu_towers_rotary_tables_bit_for_bit(int width, int heads, int gridH, int gridW)
    {
        var config = Config(width, heads);
        int headDim = width / heads, half = headDim / 2, quarter = headDim / 4, n = gridH * gridW;
        var (cos, sin) = new VisionRotary(config).Tables(gridH, gridW);
        var positions = new int[2 * n];
        VisionPatchPositions.Fill(1, gridH, gridW, 2, positions);
        var inverse = RotaryFrequencies.Vision(headDim);
        Assert.Equal(quarter, inverse.Length);
        for (int p = 0; p < n; p++)
        for (int j = 0; j < half; j++)
        {
            // What the kernel computes: position times inverse frequency in float32.
            float angle = j < quarter ? positions[2 * p] * inverse[j] : positions[2 * p + 1] * inverse[j - quarter];
            Assert.Equal(cos[p * half + j], (float)Math.Cos(angle));
            Assert.Equal(sin[p * half + j], (float)Math.Sin(angle));
        }
    }

    [Fact]
    public void Patches_run_through_two_by_two_windows_row_by_row_and_frames_repeat()
    {
        var positions = new int[2 * 2 * 2 * 4];
        VisionPatchPositions.Fill(gridT: 2, gridH: 2, gridW: 4, merge: 2, positions);
        int[] frame = [0, 0, 0, 1, 1, 0, 1, 1, 0, 2, 0, 3, 1, 2, 1, 3];
        Assert.Equal([.. frame, .. frame], positions);
    }

    [Fact]
    public void A_grid_that_is_not_whole_windows_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => VisionPatchPositions.Fill(1, 3, 4, 2, new int[24]));
    }
}
