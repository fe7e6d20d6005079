using System.Text.Json;
using QwenVL.Cuda.Diagnostics.ReferenceKernels;
using QwenVL.Cuda.Vision;
using QwenVL.Runtime.Checkpoint;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Vision;

namespace QwenVL.Cuda.Diagnostics;

public sealed partial class VisionTowerCheck
{
    private const double FixtureTolerance = 2e-2;

    private static readonly string[] FixtureCases = ["image_seed_question", "image_two", "image_tall_jpeg", "image_tall_png"];

    internal sealed record FixtureCase(string Name, string[] Images, int[][] Grids, PixelPatches[] Patches);

    /// <summary>The tiny fixture's image cases: the tower against Hugging Face's image_embeds and against the CPU tower.</summary>
    private void CheckFixture(string directory)
    {
        ModelDirectory? model = null;
        SafetensorsCheckpoint? checkpoint = null;
        SafetensorsFile? reference = null;
        FixtureCase[] cases = [];
        Check($"open the tiny fixture in {directory}", () =>
        {
            model = ModelDirectory.Open(directory);
            checkpoint = model.OpenCheckpoint();
            reference = SafetensorsFile.Open(Path.Combine(directory, "reference.safetensors"));
            cases = ReadCases(directory, new ImageProcessor(model.Preprocessor));
            return true;
        });
        if (model is null || checkpoint is null || reference is null) return;
        using var ckpt = checkpoint;
        using var referenceFile = reference;
        var config = model.Config.Vision;
        int maxPatches = cases.SelectMany(c => c.Patches).Max(p => p.PatchCount);
        Log.WriteLine($"  vision: depth {config.Depth}, width {config.EmbedDim}, {config.NumHeads} heads, out {config.OutHiddenSize}; "
            + $"largest image {maxPatches} patches");
        var cpu = new CpuVisionTower(CpuVisionWeights.Load(ckpt, config));
        using var tower = new CudaVisionTower(Device, Stream, Compiler, ckpt, config, maxPatches);

        // Towers cut short after d blocks (the merger still runs): where an error starts, its stage is to blame.
        var first = cases[0].Patches[0];
        for (int depth = 0; depth <= config.Depth; depth++)
        {
            var cut = config with { Depth = depth };
            Check($"tiny tower cut after {depth} block(s) vs CPU", () =>
            {
                using var shortTower = new CudaVisionTower(Device, Stream, Compiler, ckpt, cut, first.PatchCount);
                var stats = Compare(shortTower.EncodeToHost(first), new CpuVisionTower(CpuVisionWeights.Load(ckpt, cut)).Encode(first));
                Log.WriteLine($"  {stats}");
                return Passes(stats);
            });
        }

        foreach (var c in cases) Check($"tiny {c.Name}: image embeddings vs Hugging Face and CPU", () => CheckCase(c, tower, cpu, referenceFile));

        Check("tiny tower: same image twice gives the same bits; unaligned destination gives the same bits", () =>
        {
            var once = tower.EncodeToHost(first);
            var again = tower.EncodeToHost(first);
            int rows = tower.TokenCount(first);
            using var block = new Memory.DeviceBlock(Driver, rows * (long)tower.OutputRowBytes + 512);
            tower.Encode(first, block.Address + 2);
            var bits = new ushort[rows * config.OutHiddenSize];
            Memory.DeviceCopy.Download<ushort>(Driver, Stream, bits, block.Address + 2);
            var unaligned = new float[bits.Length];
            BFloat16.ToSingle(bits, unaligned);
            Log.WriteLine($"  repeat identical: {once.AsSpan().SequenceEqual(again)}, unaligned identical: {once.AsSpan().SequenceEqual(unaligned)}");
            return once.AsSpan().SequenceEqual(again) && once.AsSpan().SequenceEqual(unaligned);
        });

        Check("tiny tower: images of different grids encoded in one pass equal each encoded alone", () =>
        {
            using var batchTower = new CudaVisionTower(Device, Stream, Compiler, ckpt, config, BatchPatches);
            return CompareBatched(batchTower, "tiny");
        });
    }

    private bool CheckCase(FixtureCase c, CudaVisionTower tower, CpuVisionTower cpu, SafetensorsFile reference)
    {
        var grids = c.Patches.Select(p => new[] { p.GridT, p.GridH, p.GridW }).ToArray();
        bool gridsMatch = grids.Length == c.Grids.Length && grids.Zip(c.Grids).All(g => g.First.SequenceEqual(g.Second));
        var pixels = c.Patches.SelectMany(p => p.Values).ToArray();
        var referencePixels = Floats(reference, c.Name + ".pixel_values");
        double pixelError = pixels.Length == referencePixels.Length ? pixels.Zip(referencePixels).Max(p => Math.Abs(p.First - p.Second)) : double.NaN;

        var gpu = c.Patches.SelectMany(tower.EncodeToHost).ToArray();
        float[] gpuPlain;
        using (var plain = CudaCoreVisionAttentionKernel.Load(Driver, Compiler, tower.AttentionHeadDim))
        {
            tower.AttentionOverride = plain;
            gpuPlain = c.Patches.SelectMany(tower.EncodeToHost).ToArray();
            tower.AttentionOverride = null;
        }
        var host = c.Patches.SelectMany(cpu.Encode).ToArray();
        var hf = Floats(reference, c.Name + ".image_embeds");

        var vsHf = Compare(gpu, hf);
        var vsCpu = Compare(gpu, host);
        var plainVsHf = Compare(gpuPlain, hf);
        var cpuVsHf = Compare(host, hf);
        Log.WriteLine($"  grids {string.Join(" ", grids.Select(g => string.Join("x", g)))} (reference {(gridsMatch ? "same" : "DIFFERENT")}), "
            + $"pixel values max abs diff {pixelError:G3}");
        Log.WriteLine($"  GPU vs HF:   {vsHf}");
        Log.WriteLine($"  GPU vs CPU:  {vsCpu}");
        Log.WriteLine($"  GPU with plain attention vs HF: {plainVsHf}");
        Log.WriteLine($"  CPU vs HF:   {cpuVsHf}");
        Summary.Add($"tiny {c.Name,-20} {hf.Length / tower.Config.OutHiddenSize,4} tokens: vs HF max abs {vsHf.MaxAbs:E2} rel L2 {vsHf.RelativeL2:E2}; "
            + $"vs CPU max abs {vsCpu.MaxAbs:E2} rel L2 {vsCpu.RelativeL2:E2}");
        return gridsMatch && gpu.Length == hf.Length && Passes(vsHf) && Passes(vsCpu);
    }

    private static bool Passes(ErrorStats stats) => stats.NonFinite == 0 && stats.RelativeL2 < FixtureTolerance;

    internal static ErrorStats Compare(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length != expected.Length) throw new InvalidOperationException($"lengths differ: {actual.Length} vs {expected.Length}");
        var errors = new ErrorAccumulator();
        for (int i = 0; i < actual.Length; i++) errors.Add(actual[i], expected[i]);
        return errors.Result;
    }

    private static float[] Floats(SafetensorsFile file, string name)
    {
        var info = file.Tensors[name];
        var values = new float[info.ElementCount];
        file.ReadFloat32(info, values);
        return values;
    }

    internal static FixtureCase[] ReadCases(string directory, ImageProcessor processor)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "reference.json")));
        var chats = json.RootElement.GetProperty("chats").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        return FixtureCases.Select(name =>
        {
            var chat = chats[name];
            var images = chat.GetProperty("images").EnumerateArray().Select(i => i.GetString()!).ToArray();
            var grids = chat.GetProperty("image_grid_thw").EnumerateArray()
                .Select(g => g.EnumerateArray().Select(x => x.GetInt32()).ToArray()).ToArray();
            var patches = images
                .Select(f => processor.Preprocess(ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(directory, "images", f)))))
                .ToArray();
            return new FixtureCase(name, images, grids, patches);
        }).ToArray();
    }
}
