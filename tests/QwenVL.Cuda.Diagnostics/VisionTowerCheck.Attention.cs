using QwenVL.Cuda.Diagnostics.ReferenceKernels;
using QwenVL.Cuda.Kernels;
using QwenVL.Cuda.Memory;
using QwenVL.Cuda.Vision;

namespace QwenVL.Cuda.Diagnostics;

public sealed partial class VisionTowerCheck
{
    private void CheckAttentionKernels()
    {
        int[] segments = [100, 37, 64, 130, 4];
        Check("attention head dim 32, 2 heads, segments 100+37+64+130+4", () => CheckAttention(32, 2, segments));
        Check("attention head dim 80, 3 heads, segments 100+37+64+130+4", () => CheckAttention(80, 3, segments));
        Check("attention timing: 1024 patches in one frame, 16 heads of 80", () => TimeAttention(80, 16, 1024));
    }

    /// <summary>Both attention kernels on random q, k, v against float64 softmax attention within each segment.</summary>
    private bool CheckAttention(int headDim, int heads, int[] segments)
    {
        int width = heads * headDim, n = segments.Sum();
        var qkv = HostReference.RandomBf16(RandomSource, n * 3 * width, -2f, 2f);
        var tiles = new int[AttentionTiles.Count(segments) * AttentionTiles.Stride];
        int tileCount = AttentionTiles.Fill(segments, tiles);
        var expected = HostAttention(qkv, segments, heads, headDim);

        using var module = Driver.LoadModule(Compiler.Compile(KernelSources.VisionAttention).Cubin);
        var kernel = new VisionAttentionKernel(Driver, module, headDim);
        using var reference = CudaCoreVisionAttentionKernel.Load(Driver, Compiler, headDim);
        using var block = new DeviceBlock(Driver, qkv.Length * 2L + n * width * 2L + tiles.Length * 4L + 3 * DeviceArena.DefaultAlignment);
        var dQkv = block.Allocate(qkv.Length * 2L);
        var dOut = block.Allocate(n * width * 2L);
        var dTiles = block.Allocate(tiles.Length * 4L);
        DeviceCopy.Upload<ushort>(Driver, Stream, dQkv, qkv);
        DeviceCopy.Upload<int>(Driver, Stream, dTiles, tiles);

        var ok = true;
        foreach (var (label, attention) in new (string, IVisionAttention)[] { ("tensor-core", kernel), ("plain fp32", reference) })
        {
            Driver.MemsetD32Async(dOut, PoisonBf16Pair, n * width / 2, Stream);
            attention.Launch(dQkv, dOut, dTiles, tileCount, heads, Stream);
            var got = new ushort[n * width];
            DeviceCopy.Download<ushort>(Driver, Stream, got, dOut);
            var errors = new ErrorAccumulator();
            for (int i = 0; i < got.Length; i++) errors.Add(BFloat16.ToSingle(got[i]), expected[i]);
            var stats = errors.Result;
            Log.WriteLine($"  {label} kernel, {tileCount} tiles: {stats}");
            ok &= stats.NonFinite == 0 && stats.RelativeL2 < 1e-2;
        }
        return ok;
    }

    private static double[] HostAttention(ushort[] qkv, int[] segments, int heads, int headDim)
    {
        int width = heads * headDim, stride = 3 * width, n = segments.Sum();
        var output = new double[n * width];
        double scale = 1.0 / Math.Sqrt(headDim);
        int start = 0;
        foreach (var length in segments)
        {
            var scores = new double[length];
            for (int h = 0; h < heads; h++)
            for (int q = start; q < start + length; q++)
            {
                double max = double.NegativeInfinity;
                for (int j = 0; j < length; j++)
                {
                    double s = 0;
                    for (int d = 0; d < headDim; d++)
                        s += (double)BFloat16.ToSingle(qkv[q * stride + h * headDim + d]) * BFloat16.ToSingle(qkv[(start + j) * stride + width + h * headDim + d]);
                    scores[j] = s * scale;
                    max = Math.Max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j < length; j++) sum += scores[j] = Math.Exp(scores[j] - max);
                for (int d = 0; d < headDim; d++)
                {
                    double o = 0;
                    for (int j = 0; j < length; j++) o += scores[j] * BFloat16.ToSingle(qkv[(start + j) * stride + 2 * width + h * headDim + d]);
                    output[q * width + h * headDim + d] = o / sum;
                }
            }
            start += length;
        }
        return output;
    }

    /// <summary>One block's attention at the 2B tower's shape for a 448×448 image, with each kernel.</summary>
    private bool TimeAttention(int headDim, int heads, int patches)
    {
        int width = heads * headDim;
        var tiles = new int[AttentionTiles.MaxCount(patches, 4) * AttentionTiles.Stride];
        int tileCount = AttentionTiles.FillForFrames(1, patches, tiles);
        using var module = Driver.LoadModule(Compiler.Compile(KernelSources.VisionAttention).Cubin);
        var kernel = new VisionAttentionKernel(Driver, module, headDim);
        using var reference = CudaCoreVisionAttentionKernel.Load(Driver, Compiler, headDim);
        using var block = new DeviceBlock(Driver, patches * 4L * width * 2 + tiles.Length * 4L + 3 * DeviceArena.DefaultAlignment);
        var dQkv = block.Allocate(patches * 3L * width * 2);
        var dOut = block.Allocate(patches * (long)width * 2);
        var dTiles = block.Allocate(tiles.Length * 4L);
        DeviceCopy.Upload<ushort>(Driver, Stream, dQkv, HostReference.RandomBf16(RandomSource, patches * 3 * width, -2f, 2f));
        DeviceCopy.Upload<int>(Driver, Stream, dTiles, tiles);
        double flops = 4.0 * patches * patches * width;
        var fast = Timer.MedianMilliseconds(() => kernel.Launch(dQkv, dOut, dTiles, tileCount, heads, Stream));
        var plain = Timer.MedianMilliseconds(() => reference.Launch(dQkv, dOut, dTiles, tileCount, heads, Stream), warmups: 1, repeats: 5);
        var line = $"attention, {patches} patches x {heads} heads of {headDim}: tensor cores {fast * 1000:F0} us ({flops / (fast * 1e-3) / 1e12:F1} TFLOP/s), "
            + $"plain fp32 {plain * 1000:F0} us ({flops / (plain * 1e-3) / 1e12:F1} TFLOP/s)";
        Log.WriteLine("  " + line);
        Summary.Add(line);
        return true;
    }
}
