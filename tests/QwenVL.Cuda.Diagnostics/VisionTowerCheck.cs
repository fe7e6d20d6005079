using System.Diagnostics;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;

namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// Checks <see cref="Vision.CudaVisionTower"/> on a real device: the attention kernels against a float64 reference on
/// random data; the tower on the tiny fixture against what Hugging Face computed and against the CPU tower; and, with
/// a checkpoint of the 2B shapes, the time per 448×448 image and the error against the CPU tower on a small image.
/// With either model, several images encoded in one pass against each encoded alone (and, at the 2B shapes, the time).
/// Each check prints PASS or FAIL with its numbers; the last line is the verdict.
/// </summary>
public sealed partial class VisionTowerCheck : DeviceCheck
{
    private const double Mebi = 1024.0 * 1024.0;


    private VisionTowerCheck(TextWriter log, CudaDevice device, string cubinCacheDirectory, int seed)
        : base(log, device, cubinCacheDirectory, seed)
    {
    }

    /// <param name="tinyDirectory">The tiny fixture (model, reference.json/.safetensors, images/), or null to skip.</param>
    /// <param name="largeDirectory">A checkpoint with the 2B vision shapes, or null to skip the timing.</param>
    public static bool Run(TextWriter log, string? tinyDirectory, string? largeDirectory, string cubinCacheDirectory)
        => OnDevice(log, "vision check", (device, seed) =>
        {
            using var check = new VisionTowerCheck(log, device, cubinCacheDirectory, seed);
            return check.RunAll(tinyDirectory, largeDirectory, seed);
        });

    private bool RunAll(string? tinyDirectory, string? largeDirectory, int seed)
    {
        var clock = Stopwatch.StartNew();
        var (free, total) = Device.MemoryInfo();
        Log.WriteLine($"device {Device.Ordinal}: {Device.Name} ({Device.Architecture}, {Device.MultiprocessorCount} SMs), "
            + $"{free / Mebi / 1024:F1} of {total / Mebi / 1024:F1} GiB free; random seed {seed}");
        CompileAll();
        CheckAttentionKernels();
        if (tinyDirectory is not null) CheckFixture(tinyDirectory);
        if (largeDirectory is not null)
        {
            MeasureLarge(largeDirectory);
            MeasureBatchedLarge(largeDirectory);
        }

        Log.WriteLine();
        foreach (var line in Summary) Log.WriteLine(line);
        Log.WriteLine(Checks.Summary("vision check", clock.Elapsed));
        return Checks.AllPassed;
    }

    /// <summary>Compiles every vision kernel file once up front, so a compile error shows for each file with its log.</summary>
    private void CompileAll()
    {
        foreach (var file in new[] { KernelSources.VisionLayerNorm, KernelSources.VisionRotary, KernelSources.VisionElementwise, KernelSources.VisionAttention })
        {
            Check($"compile and load {file}", () =>
            {
                var compiled = Compiler.Compile(file);
                using var module = Driver.LoadModule(compiled.Cubin);
                Log.WriteLine($"  {file}: {(compiled.CacheHit ? "cache hit" : $"compiled in {compiled.CompileMilliseconds:F0} ms")}, cubin {compiled.Cubin.Length / 1024.0:F1} KiB");
                if (!string.IsNullOrWhiteSpace(compiled.Log)) Log.WriteLine($"  NVRTC log: {compiled.Log}");
                if (file == KernelSources.VisionAttention)
                {
                    foreach (var name in new[] { "vision_attention_hd80", "vision_attention_hd32" })
                        Describe(Driver.GetFunction(module, name));
                }
                return true;
            });
        }
    }

    private void Describe(CudaFunction f) =>
        Log.WriteLine($"  {f.Name}: {Driver.FunctionAttribute(f, FunctionAttribute.NumRegs)} registers, "
            + $"{Driver.FunctionAttribute(f, FunctionAttribute.LocalSizeBytes)} bytes local, "
            + $"{Driver.FunctionAttribute(f, FunctionAttribute.SharedSizeBytes)} bytes static shared");


}
