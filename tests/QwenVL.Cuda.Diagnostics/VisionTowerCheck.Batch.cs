using System.Diagnostics;
using QwenVL.Cuda.Memory;
using QwenVL.Cuda.Vision;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Diagnostics;

public sealed partial class VisionTowerCheck
{
    /// <summary>
    /// The most an image's rows from a shared pass may differ from its rows encoded alone, as max abs difference over
    /// the largest |value|: the pass's larger row count may get other cuBLASLt algorithms, rounding bf16 differently.
    /// </summary>
    private const double BatchTolerance = 2e-2;

    /// <summary>A quiet NaN: destinations are filled with it first, so rows an encode leaves unwritten fail.</summary>
    private const uint PoisonF32 = 0x7FC00000;

    /// <summary>
    /// The images encoded together: different sizes, and one of two frames between others, whose frames must stay
    /// separate attention segments while its neighbours' rows lie right before and after it.
    /// </summary>
    private static readonly (int T, int H, int W)[] BatchGrids = [(1, 16, 16), (2, 8, 8), (1, 32, 32), (1, 8, 12)];

    private static int BatchPatches => BatchGrids.Sum(g => g.T * g.H * g.W);

    /// <summary>
    /// <see cref="BatchGrids"/> with random pixel values, encoded in one pass and each in a pass of its own, to fp32 as
    /// the executor's image store gets them: each image's rows must agree. <paramref name="tower"/> must take
    /// <see cref="BatchPatches"/> patches in one pass.
    /// </summary>
    private bool CompareBatched(CudaVisionTower tower, string label)
    {
        var images = RandomImages(tower.Config, BatchGrids);
        var alone = EncodeF32(tower, images, batched: false);
        var together = EncodeF32(tower, images, batched: true);
        double worst = 0;
        bool finite = true, identical = true;
        for (int i = 0; i < images.Length; i++)
        {
            double diff = 0, scale = 0;
            for (int j = 0; j < alone[i].Length; j++)
            {
                finite &= float.IsFinite(alone[i][j]) && float.IsFinite(together[i][j]);
                diff = Math.Max(diff, Math.Abs((double)together[i][j] - alone[i][j]));
                scale = Math.Max(scale, Math.Abs((double)alone[i][j]));
            }
            identical &= alone[i].AsSpan().SequenceEqual(together[i]);
            double relative = scale > 0 ? diff / scale : double.PositiveInfinity;
            worst = Math.Max(worst, relative);
            var (t, h, w) = BatchGrids[i];
            Log.WriteLine($"  image {i} grid {t}x{h}x{w} ({tower.TokenCount(images[i])} tokens): batched vs alone max abs diff {diff:G3}, "
                + $"max abs value {scale:G3}, ratio {relative:E2}");
        }
        var line = $"{label}: {images.Length} images ({BatchPatches} patches) in one pass vs one at a time: "
            + $"{(identical ? "bit-identical" : $"max abs diff / max abs value {worst:E2}")}{(finite ? "" : ", NON-FINITE values")}";
        Log.WriteLine("  " + line);
        Summary.Add(line);
        return finite && worst <= BatchTolerance;
    }

    /// <summary>
    /// The tower at the 2B shapes: the batched pass against one at a time, then the device time of eight 448×448 images
    /// (1024 patches each) encoded one at a time, queued back to back, against all eight in one pass.
    /// </summary>
    private void MeasureBatchedLarge(string directory) => Check($"2B-shape tower in {directory}: batched encode equals one at a time, and its time", () =>
    {
        const int count = 8;
        var model = ModelDirectory.Open(directory);
        using var checkpoint = model.OpenCheckpoint();
        var config = model.Config.Vision;
        var images = RandomImages(config, Enumerable.Repeat((1, 32, 32), count).ToArray());
        int patches = images.Sum(i => i.PatchCount);
        var clock = Stopwatch.StartNew();
        using var tower = new CudaVisionTower(Device, Stream, Compiler, checkpoint, config, Math.Max(patches, BatchPatches));
        Log.WriteLine($"  tower for {tower.MaxPatches} patches a pass built in {clock.Elapsed.TotalSeconds:F1} s: activations {tower.ActivationBytes / Mebi:F0} MiB");
        bool agrees = CompareBatched(tower, "2B shapes");

        using var block = new DeviceBlock(Driver, images.Sum(i => (long)tower.TokenCount(i) * config.OutHiddenSize * sizeof(float) + DeviceArena.DefaultAlignment));
        var destinations = images.Select(i => block.Allocate((long)tower.TokenCount(i) * config.OutHiddenSize * sizeof(float))).ToArray();
        var msAlone = Timer.MedianMilliseconds(() =>
        {
            for (int i = 0; i < count; i++) tower.EncodeF32(images[i], destinations[i]);
        }, warmups: 2, repeats: 7);
        var msTogether = Timer.MedianMilliseconds(() => tower.EncodeBatchF32(images, destinations), warmups: 2, repeats: 7);
        double flops = tower.Flops(images);
        var timing = $"2B shapes, {count} 448x448 images ({patches} patches): one at a time {msAlone:F2} ms ({msAlone / count:F2} per image), "
            + $"in one pass {msTogether:F2} ms ({msTogether / count:F2} per image, {flops / (msTogether * 1e-3) / 1e12:F0} TFLOP/s); "
            + $"speed-up {msAlone / msTogether:F2}x (device time, median of 7)";
        Log.WriteLine("  " + timing);
        Summary.Add(timing);
        return agrees;
    });

    /// <summary>Each image's fp32 rows, encoded in one pass or one pass each.</summary>
    private float[][] EncodeF32(CudaVisionTower tower, PixelPatches[] images, bool batched)
    {
        int hidden = tower.Config.OutHiddenSize;
        using var block = new DeviceBlock(Driver, images.Sum(i => (long)tower.TokenCount(i) * hidden * sizeof(float) + DeviceArena.DefaultAlignment));
        var destinations = images.Select(i => block.Allocate((long)tower.TokenCount(i) * hidden * sizeof(float))).ToArray();
        Driver.MemsetD32Async(block.Address, PoisonF32, block.Bytes / sizeof(float), Stream);
        if (batched) tower.EncodeBatchF32(images, destinations);
        else
        {
            for (int i = 0; i < images.Length; i++) tower.EncodeF32(images[i], destinations[i]);
        }
        var rows = new float[images.Length][];
        for (int i = 0; i < images.Length; i++)
        {
            rows[i] = new float[tower.TokenCount(images[i]) * hidden];
            DeviceCopy.Download<float>(Driver, Stream, rows[i], destinations[i]);
        }
        return rows;
    }

    /// <summary>Pixel patches of the given grids with values in [-2, 2), about the range of normalized pixels.</summary>
    private PixelPatches[] RandomImages(VisionConfig config, (int T, int H, int W)[] grids)
    {
        int patchIn = config.InChannels * config.TemporalPatchSize * config.PatchSize * config.PatchSize;
        return grids.Select(g =>
        {
            var values = new float[g.T * g.H * g.W * patchIn];
            for (int i = 0; i < values.Length; i++) values[i] = 4 * RandomSource.NextSingle() - 2;
            return new PixelPatches(values, g.T, g.H, g.W);
        }).ToArray();
    }
}
