using System.Diagnostics;
using QwenVL.Cuda.Memory;
using QwenVL.Cuda.Diagnostics.ReferenceKernels;
using QwenVL.Cuda.Vision;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Diagnostics;

public sealed partial class VisionTowerCheck
{
    private const double LargeTolerance = 5e-2;

    /// <summary>
    /// The tower at the 2B shapes: device time per 448×448 image (1024 patches, 256 tokens), warm, median of several;
    /// then the error against the CPU tower on a 112×112 image (the CPU tower is slow at this size).
    /// </summary>
    private void MeasureLarge(string directory) => Check($"2B-shape tower in {directory}: time and error vs CPU", () =>
    {
        var model = ModelDirectory.Open(directory);
        using var checkpoint = model.OpenCheckpoint();
        var config = model.Config.Vision;
        var processor = new ImageProcessor(model.Preprocessor);
        var big = processor.Preprocess(SyntheticImage(448, 448, seed: 7));
        var small = processor.Preprocess(SyntheticImage(112, 112, seed: 8));
        Log.WriteLine($"  vision: depth {config.Depth}, width {config.EmbedDim}, {config.NumHeads} heads, mlp x{config.MlpRatio}, out {config.OutHiddenSize}; "
            + $"448x448 -> grid {big.GridT}x{big.GridH}x{big.GridW}, 112x112 -> {small.GridT}x{small.GridH}x{small.GridW}");

        var clock = Stopwatch.StartNew();
        using var tower = new CudaVisionTower(Device, Stream, Compiler, checkpoint, config, big.PatchCount);
        var (free, _) = Device.MemoryInfo();
        Log.WriteLine($"  tower built in {clock.Elapsed.TotalSeconds:F1} s: weights {tower.WeightBytes / Mebi:F0} MiB, "
            + $"activations {tower.ActivationBytes / Mebi:F0} MiB; {free / Mebi / 1024:F1} GiB left free");

        int tokens = tower.TokenCount(big);
        using var output = new DeviceBlock(Driver, (long)tokens * tower.OutputRowBytes);
        var ms = Timer.MedianMilliseconds(() => tower.Encode(big, output.Address), warmups: 3, repeats: 15);
        var walls = new double[7];
        for (int i = 0; i < walls.Length; i++)
        {
            var wall = Stopwatch.StartNew();
            tower.Encode(big, output.Address);
            Driver.Synchronize(Stream);
            walls[i] = wall.Elapsed.TotalMilliseconds;
        }
        Array.Sort(walls);
        // Ten encodes queued back to back: the host staging of one image overlaps the device work of the last.
        const int queued = 10;
        var msQueued = Timer.MedianMilliseconds(() =>
        {
            for (int i = 0; i < queued; i++) tower.Encode(big, output.Address);
        }, warmups: 1, repeats: 5) / queued;
        double flops = tower.Flops(big);
        double msPlain;
        using (var plain = CudaCoreVisionAttentionKernel.Load(Driver, Compiler, tower.AttentionHeadDim))
        {
            tower.AttentionOverride = plain;
            msPlain = Timer.MedianMilliseconds(() => tower.Encode(big, output.Address), warmups: 1, repeats: 3);
            tower.AttentionOverride = null;
        }
        var timing = $"2B shapes, 448x448 image ({big.PatchCount} patches -> {tokens} tokens): {ms:F2} ms per image (device time, warm, median of 15), "
            + $"{walls[walls.Length / 2]:F2} ms host wall with sync; {msQueued:F2} ms per image with {queued} queued back to back "
            + $"({flops / 1e9:F0} GFLOP -> {flops / (msQueued * 1e-3) / 1e12:F0} TFLOP/s); "
            + $"with the plain attention kernel {msPlain:F2} ms";
        Log.WriteLine("  " + timing);
        Summary.Add(timing);

        using (var profile = new VisionStageProfile(Driver))
        {
            tower.Profile = profile;
            tower.Encode(big, output.Address);
            tower.Profile = null;
            var stages = profile.Milliseconds();
            var split = $"2B shapes, 448x448, one encode with events between stages: "
                + string.Join(", ", stages.Select(s => $"{s.Key} {s.Value:F2} ms")) + $" (sum {stages.Values.Sum():F2})";
            Log.WriteLine("  " + split);
            Summary.Add(split);
        }

        var gpu = tower.EncodeToHost(small);
        clock.Restart();
        var cpuWeights = CpuVisionWeights.Load(checkpoint, config);
        var load = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var cpu = new CpuVisionTower(cpuWeights).Encode(small);
        var stats = Compare(gpu, cpu);
        var accuracy = $"2B shapes, 112x112 image ({small.PatchCount} patches): GPU vs CPU {stats} (CPU weights {load:F1} s, CPU encode {clock.Elapsed.TotalSeconds:F1} s)";
        Log.WriteLine("  " + accuracy);
        Summary.Add(accuracy);
        return stats.NonFinite == 0 && stats.RelativeL2 < LargeTolerance;
    });

    /// <summary>A picture with gradients, stripes and noise: no flat areas.</summary>
    internal static RgbImage SyntheticImage(int width, int height, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * RgbImage.Channels];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int i = (y * width + x) * RgbImage.Channels;
            pixels[i] = (byte)Math.Clamp(x * 255 / Math.Max(width - 1, 1) + random.Next(-12, 13), 0, 255);
            pixels[i + 1] = (byte)Math.Clamp(y * 255 / Math.Max(height - 1, 1) + random.Next(-12, 13), 0, 255);
            pixels[i + 2] = (byte)Math.Clamp(127 + 120 * Math.Sin((x + y) / 7.0) + random.Next(-12, 13), 0, 255);
        }
        return new RgbImage(width, height, pixels);
    }
}
