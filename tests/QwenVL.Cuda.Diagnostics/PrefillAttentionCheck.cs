using System.Diagnostics;
using QwenVL.Cuda.Diagnostics.ReferenceKernels;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;
using QwenVL.Cuda.Memory;

namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// Checks the tensor-core paged prefill attention (paged_prefill_attention.cu) on a real device: on random paged
/// steps (shuffled blocks, context before the step, query counts that are not multiples of a tile, head dims 64 and
/// 128, groups of 6 and 2) against the float64 reference and against the CUDA-core reference kernel
/// (ReferenceKernels/paged_attention.cu); then,
/// optionally, both kernels' time on 2B-shaped steps. Each check prints PASS or FAIL with its numbers; the last line
/// is the verdict.
/// </summary>
public sealed class PrefillAttentionCheck : DeviceCheck
{
    /// <summary>Largest rel. L2 error against float64 (bf16 output alone gives ~1e-3, bf16 probabilities a little more).</summary>
    public const double MaxRelativeL2 = 5e-3;

    private readonly Dictionary<int, (PagedPrefillAttentionKernel TensorCore, CudaCorePagedAttentionKernel CudaCore)> _kernels = [];

    private PrefillAttentionCheck(TextWriter log, CudaDevice device, string cubinCacheDirectory, int seed)
        : base(log, device, cubinCacheDirectory, seed)
    {
    }

    /// <param name="timings">false: the accuracy checks only (the test suite's run)</param>
    public static bool Run(TextWriter log, string cubinCacheDirectory, bool timings = true)
        => OnDevice(log, "prefill attention check", (device, seed) =>
        {
            using var check = new PrefillAttentionCheck(log, device, cubinCacheDirectory, seed);
            return check.RunAll(timings, seed);
        });

    private bool RunAll(bool timings, int seed)
    {
        var clock = Stopwatch.StartNew();
        Log.WriteLine($"device {Device.Ordinal}: {Device.Name} ({Device.Architecture}, {Device.MultiprocessorCount} SMs); random seed {seed}");
        Check("compile and load paged_prefill_attention.cu and the CUDA-core paged_attention.cu", Compile);
        if (Checks.AllPassed)
        {
            // (context before the step, queries in the step) per sequence: prefix hits and later chunks (context > 0),
            // single queries, counts around the 64-query tile and the CUDA-core kernel's tiles.
            (int, int)[] mixed = [(0, 100), (37, 64), (130, 1), (0, 200), (300, 77), (16, 63), (5, 129)];
            (int, int)[] small = [(0, 13), (13, 13), (50, 130), (0, 64), (5, 3), (64, 65)];
            Accuracy(128, 12, 2, 16, mixed);
            Accuracy(128, 4, 2, 16, small);
            Accuracy(64, 12, 2, 16, small);
            Accuracy(64, 4, 2, 16, mixed);
            Accuracy(128, 12, 2, 7, [(3, 70), (100, 65)]); // a block size that does not divide a key tile
            if (timings)
            {
                Timing("2B prefill, 1 x 2048 queries", [(0, 2048)]);
                Timing("2B prefill, 4 x 512 queries", [(0, 512), (0, 512), (0, 512), (0, 512)]);
                Timing("2B second chunk, 2048 queries after 2048", [(2048, 2048)]);
                Timing("2B mixed, 1000 + 24 x 1 query after 500", [(0, 1000), .. Enumerable.Repeat((500, 1), 24)]);
            }
        }

        Log.WriteLine();
        foreach (var line in Summary) Log.WriteLine(line);
        Log.WriteLine(Checks.Summary("prefill attention check", clock.Elapsed));
        return Checks.AllPassed;
    }

    private bool Compile()
    {
        foreach (var compiled in new[] { Compiler.Compile(KernelSources.PagedPrefillAttention), CheckKernelSources.Compile(Compiler, CheckKernelSources.PagedAttention) })
        {
            Log.WriteLine($"  {compiled.FileName}: {(compiled.CacheHit ? "cache hit" : $"compiled in {compiled.CompileMilliseconds:F0} ms")}");
            if (!string.IsNullOrWhiteSpace(compiled.Log)) Log.WriteLine($"  NVRTC log: {compiled.Log}");
            Modules.Add(Driver.LoadModule(compiled.Cubin));
        }
        foreach (var headDim in PagedPrefillAttentionKernel.HeadDims)
        {
            var kernel = new PagedPrefillAttentionKernel(Driver, Modules[0], headDim);
            _kernels[headDim] = (kernel, new CudaCorePagedAttentionKernel(Driver, Modules[1], headDim));
            var f = kernel.Function;
            int local = Driver.FunctionAttribute(f, FunctionAttribute.LocalSizeBytes);
            Log.WriteLine($"  {f.Name}: {Driver.FunctionAttribute(f, FunctionAttribute.NumRegs)} registers, {local} bytes local"
                + $"{(local > 0 ? " (spills: slower, still correct)" : "")}, {kernel.SharedBytes} bytes dynamic shared");
        }
        return true;
    }

    private void Accuracy(int headDim, int heads, int kvHeads, int blockSize, (int, int)[] sequences)
    {
        var shape = string.Join(" ", sequences.Select(s => $"{s.Item1}+{s.Item2}"));
        Check($"accuracy HD {headDim}, {heads} heads / {kvHeads} KV, block {blockSize}, ctx+queries {shape}", () =>
        {
            var fixture = new PagedAttentionFixture(RandomSource, headDim, heads, kvHeads, blockSize, sequences);
            var expected = fixture.Reference();
            using var run = new DeviceStep(Driver, Stream, fixture);
            var got = run.Output(_kernels[headDim].TensorCore, Timer, time: false).Bits;
            var cudaCore = run.Output(_kernels[headDim].CudaCore, Timer, time: false).Bits;
            var owned = fixture.OwnedRows();
            var width = fixture.QueryWidth;

            ErrorAccumulator tensorVsRef = new(), cudaVsRef = new(), tensorVsCuda = new();
            int strayWrites = 0;
            for (int r = 0; r < fixture.Rows; r++)
            for (int c = 0; c < width; c++)
            {
                long i = (long)r * width + c;
                if (!owned[r])
                {
                    if (got[i] != PagedAttentionFixture.NaNBf16) strayWrites++;
                    continue;
                }
                tensorVsRef.Add(BFloat16.ToSingle(got[i]), expected[i]);
                cudaVsRef.Add(BFloat16.ToSingle(cudaCore[i]), expected[i]);
                tensorVsCuda.Add(BFloat16.ToSingle(got[i]), BFloat16.ToSingle(cudaCore[i]));
            }
            var (n, o, no) = (tensorVsRef.Result, cudaVsRef.Result, tensorVsCuda.Result);
            Log.WriteLine($"  tensor cores vs float64: {n}");
            Log.WriteLine($"  CUDA cores   vs float64: {o}");
            Log.WriteLine($"  tensor cores vs CUDA cores: rel L2 {no.RelativeL2:E2}, max abs {no.MaxAbs:G3}; gap-row elements written: {strayWrites}");
            return n.NonFinite == 0 && n.RelativeL2 < MaxRelativeL2 && no.NonFinite == 0 && no.RelativeL2 < 2 * MaxRelativeL2 && strayWrites == 0;
        });
    }

    private void Timing(string name, (int, int)[] sequences)
    {
        Check($"timing: {name}", () =>
        {
            const int HeadDim = 128, Heads = 12, KvHeads = 2;
            var fixture = new PagedAttentionFixture(RandomSource, HeadDim, Heads, KvHeads, 16, sequences);
            using var run = new DeviceStep(Driver, Stream, fixture);
            var (fast, fastMs) = run.Output(_kernels[HeadDim].TensorCore, Timer, time: true);
            var (plain, plainMs) = run.Output(_kernels[HeadDim].CudaCore, Timer, time: true);
            var owned = fixture.OwnedRows();
            var agreement = new ErrorAccumulator();
            for (int r = 0; r < fixture.Rows; r++)
                if (owned[r])
                    for (int c = 0; c < fixture.QueryWidth; c++)
                    {
                        long i = (long)r * fixture.QueryWidth + c;
                        agreement.Add(BFloat16.ToSingle(fast[i]), BFloat16.ToSingle(plain[i]));
                    }
            var stats = agreement.Result;
            double flops = fixture.Flops();
            var line = $"{name} (12 heads / 2 KV, HD 128): tensor cores {fastMs * 1000:F0} us ({flops / (fastMs * 1e-3) / 1e12:F1} TFLOP/s), "
                + $"CUDA cores {plainMs * 1000:F0} us ({flops / (plainMs * 1e-3) / 1e12:F1} TFLOP/s), x{plainMs / fastMs:F1}; "
                + $"outputs differ by rel L2 {stats.RelativeL2:E2}";
            Log.WriteLine("  " + line);
            Summary.Add(line);
            return stats.NonFinite == 0 && stats.RelativeL2 < 2 * MaxRelativeL2;
        });
    }



    /// <summary>A fixture's inputs on the device, both kernels' tile lists, and one output buffer.</summary>
    private sealed class DeviceStep : IDisposable
    {
        private readonly CudaDriver _driver;
        private readonly CudaStreamHandle _stream;
        private readonly PagedAttentionFixture _f;
        private readonly DeviceBlock _block;
        private readonly ulong _q, _k, _v, _out, _sequences, _tables, _tensorCoreTiles, _cudaCoreTiles;
        private readonly int _tensorCoreTileCount, _cudaCoreTileCount;

        public DeviceStep(CudaDriver driver, CudaStreamHandle stream, PagedAttentionFixture fixture)
        {
            _driver = driver;
            _stream = stream;
            _f = fixture;
            var tensorCoreTiles = fixture.TensorCoreTiles();
            var cudaCoreTiles = fixture.CudaCoreTiles();
            _tensorCoreTileCount = tensorCoreTiles.Length / 2;
            _cudaCoreTileCount = cudaCoreTiles.Length / 2;
            long qBytes = fixture.Query.Length * 2L, cacheBytes = fixture.KeyCache.Length * 2L;
            _block = new DeviceBlock(driver, 2 * qBytes + 2 * cacheBytes
                + 4L * (fixture.Sequences.Length + fixture.BlockTables.Length + tensorCoreTiles.Length + cudaCoreTiles.Length) + 8 * DeviceArena.DefaultAlignment);
            _q = Upload<ushort>(fixture.Query);
            _k = Upload<ushort>(fixture.KeyCache);
            _v = Upload<ushort>(fixture.ValueCache);
            _sequences = Upload<int>(fixture.Sequences);
            _tables = Upload<int>(fixture.BlockTables);
            _tensorCoreTiles = Upload<int>(tensorCoreTiles);
            _cudaCoreTiles = Upload<int>(cudaCoreTiles);
            _out = _block.Allocate(qBytes);
        }

        private ulong Upload<T>(T[] values) where T : unmanaged
        {
            var at = _block.Allocate(Math.Max(1L, (long)values.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()));
            DeviceCopy.Upload<T>(_driver, _stream, at, values);
            return at;
        }

        public (ushort[] Bits, double Milliseconds) Output(PagedPrefillAttentionKernel kernel, EventTimer timer, bool time) =>
            Output(() => kernel.Launch(_q, _k, _v, _out, _sequences, _tables, _tensorCoreTiles, _tensorCoreTileCount, _f.BlockSize, _f.Heads, _f.KvHeads, _stream), timer, time);

        public (ushort[] Bits, double Milliseconds) Output(CudaCorePagedAttentionKernel kernel, EventTimer timer, bool time) =>
            Output(() => kernel.Launch(_q, _k, _v, _out, _sequences, _tables, _cudaCoreTiles, _cudaCoreTileCount, _f.BlockSize, _f.Heads, _f.KvHeads, _stream), timer, time);

        private (ushort[] Bits, double Milliseconds) Output(Action launch, EventTimer timer, bool time)
        {
            _driver.MemsetD32Async(_out, PoisonBf16Pair, _f.Query.Length / 2, _stream);
            launch();
            var bits = new ushort[_f.Query.Length];
            DeviceCopy.Download<ushort>(_driver, _stream, bits, _out);
            double ms = time ? timer.MedianMilliseconds(launch) : 0;
            return (bits, ms);
        }

        public void Dispose() => _block.Dispose();
    }
}
