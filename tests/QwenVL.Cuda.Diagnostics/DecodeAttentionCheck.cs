using System.Diagnostics;
using QwenVL.Cuda.Diagnostics.ReferenceKernels;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;
using QwenVL.Cuda.Memory;

namespace QwenVL.Cuda.Diagnostics;

/// <summary>
/// Checks the tensor-core decode attention (decode_attention_mma.cu, merged by decode_attention_combine.cu) on a real
/// device: on random paged decode steps (shuffled blocks of 16, contexts 1, 20, 513 and 3000, batches of 1, 8 and 64,
/// HD 128 with groups of 6 and HD 64 with groups of 2, splits as the executor picks them) against the float64
/// reference and against the CUDA-core reference kernel (ReferenceKernels/decode_attention.cu) on the same inputs;
/// then, optionally, both kernels' time on
/// 2B-shaped steps with the bandwidth their K and V reads reach. Each check prints PASS or FAIL; the last line is the
/// verdict.
/// </summary>
public sealed class DecodeAttentionCheck : DeviceCheck
{
    /// <summary>Largest rel. L2 error against float64: bf16 output and bf16 probabilities give ~2e-3.</summary>
    public const double MaxRelativeL2 = 1e-2;

    /// <summary>Splits are picked for an H100's 132 SMs in the accuracy checks, whatever the device, so that they
    /// cover the same key ranges everywhere.</summary>
    private const int AccuracyMultiprocessors = 132;

    private const int BlockSize = 16;

    private static readonly int[] Contexts = [1, 20, 513, 3000];

    private readonly Dictionary<int, (DecodeAttentionMmaKernel TensorCore, CudaCoreDecodeAttentionKernel CudaCore)> _kernels = [];

    private DecodeAttentionCheck(TextWriter log, CudaDevice device, string cubinCacheDirectory, int seed)
        : base(log, device, cubinCacheDirectory, seed)
    {
    }

    /// <param name="timings">false: the accuracy checks only</param>
    public static bool Run(TextWriter log, string cubinCacheDirectory, bool timings = true)
        => OnDevice(log, "decode attention check", (device, seed) =>
        {
            using var check = new DecodeAttentionCheck(log, device, cubinCacheDirectory, seed);
            return check.RunAll(timings, seed);
        });

    private bool RunAll(bool timings, int seed)
    {
        var clock = Stopwatch.StartNew();
        Log.WriteLine($"device {Device.Ordinal}: {Device.Name} ({Device.Architecture}, {Device.MultiprocessorCount} SMs); random seed {seed}");
        Check("compile and load decode_attention_mma.cu, decode_attention_combine.cu and the CUDA-core decode_attention.cu", Compile);
        if (Checks.AllPassed)
        {
            foreach (var (headDim, heads, kvHeads) in new[] { (128, 12, 2), (64, 4, 2) })
            {
                foreach (var context in Contexts) Accuracy(headDim, heads, kvHeads, [context], splits: null);
                Accuracy(headDim, heads, kvHeads, Cycle(8), splits: null);
                Accuracy(headDim, heads, kvHeads, Cycle(64), splits: null);
                Accuracy(headDim, heads, kvHeads, Cycle(8), splits: 1); // the kernel writes the output itself
            }
            if (timings)
            {
                Timing("2B decode, batch 1 x context 512", 1, 512);
                Timing("2B decode, batch 64 x context 512", 64, 512);
                Timing("2B decode, batch 64 x context 2048", 64, 2048);
            }
        }

        Log.WriteLine();
        foreach (var line in Summary) Log.WriteLine(line);
        Log.WriteLine(Checks.Summary("decode attention check", clock.Elapsed));
        return Checks.AllPassed;
    }

    /// <summary>The contexts 1, 20, 513, 3000 repeated over a batch, so that one step mixes short and long sequences.</summary>
    private static int[] Cycle(int batch) => [.. Enumerable.Range(0, batch).Select(i => Contexts[i % Contexts.Length])];

    private bool Compile()
    {
        var compiled = new[]
        {
            Compiler.Compile(KernelSources.DecodeAttentionMma),
            Compiler.Compile(KernelSources.DecodeAttentionCombine),
            CheckKernelSources.Compile(Compiler, CheckKernelSources.DecodeAttention),
        };
        foreach (var kernel in compiled)
        {
            Log.WriteLine($"  {kernel.FileName}: {(kernel.CacheHit ? "cache hit" : $"compiled in {kernel.CompileMilliseconds:F0} ms")}");
            if (!string.IsNullOrWhiteSpace(kernel.Log)) Log.WriteLine($"  NVRTC log: {kernel.Log}");
            Modules.Add(Driver.LoadModule(kernel.Cubin));
        }
        foreach (var headDim in new[] { 64, 128 })
        {
            var tensorCore = new DecodeAttentionMmaKernel(Driver, Modules[0], Modules[1], headDim);
            var cudaCore = new CudaCoreDecodeAttentionKernel(Driver, Modules[2], tensorCore, headDim);
            _kernels[headDim] = (tensorCore, cudaCore);
            foreach (var group in new[] { 2, 6 })
            {
                var (registers, local) = tensorCore.Resources(group);
                var (cudaCoreRegisters, cudaCoreLocal) = cudaCore.Resources(group);
                Log.WriteLine($"  {DecodeAttentionMmaKernel.EntryPoint(headDim, group)}: {registers} registers, {local} bytes local, "
                    + $"{DecodeAttentionMmaKernel.SharedBytesFor(headDim)} bytes dynamic shared; "
                    + $"{CudaCoreDecodeAttentionKernel.EntryPoint(headDim, group)}: {cudaCoreRegisters} registers, {cudaCoreLocal} bytes local");
            }
        }
        return true;
    }

    private void Accuracy(int headDim, int heads, int kvHeads, int[] contexts, int? splits)
    {
        int count = splits ?? DecodeAttentionMmaKernel.Splits(contexts.Length, kvHeads, AccuracyMultiprocessors);
        var shape = contexts.Length <= 4 ? string.Join(" ", contexts) : $"{contexts.Length} sequences of {string.Join("/", contexts.Distinct())}";
        Check($"accuracy HD {headDim}, {heads} heads / {kvHeads} KV, {count} splits, contexts {shape}", () =>
        {
            var fixture = new PagedAttentionFixture(RandomSource, headDim, heads, kvHeads, BlockSize, [.. contexts.Select(c => (c, 1))]);
            var expected = fixture.Reference();
            using var run = new DeviceStep(Driver, Stream, fixture);
            var got = run.Output(() => _kernels[headDim].TensorCore.Launch(run.Q, run.K, run.V, run.Out, run.Partials, run.SequenceTable, run.Tables,
                contexts.Length, count, BlockSize, heads, kvHeads, Stream));
            var cudaCore = run.Output(() => _kernels[headDim].CudaCore.Launch(run.Q, run.K, run.V, run.Out, run.Partials, run.SequenceTable, run.Tables,
                contexts.Length, count, BlockSize, heads, kvHeads, Stream));
            var owned = fixture.OwnedRows();
            int width = fixture.QueryWidth, strayWrites = 0;
            ErrorAccumulator tensorVsRef = new(), cudaVsRef = new(), tensorVsCuda = new();
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
            return n.NonFinite == 0 && n.RelativeL2 < MaxRelativeL2 && no.NonFinite == 0 && no.RelativeL2 < MaxRelativeL2 && strayWrites == 0;
        });
    }

    private void Timing(string name, int batch, int context)
    {
        Check($"timing: {name}", () =>
        {
            const int HeadDim = 128, Heads = 12, KvHeads = 2;
            var fixture = new PagedAttentionFixture(RandomSource, HeadDim, Heads, KvHeads, BlockSize, [.. Enumerable.Repeat((context, 1), batch)]);
            int splits = DecodeAttentionMmaKernel.Splits(batch, KvHeads, Device.MultiprocessorCount);
            using var run = new DeviceStep(Driver, Stream, fixture);
            void LaunchTensorCore() => _kernels[HeadDim].TensorCore.Launch(run.Q, run.K, run.V, run.Out, run.Partials, run.SequenceTable, run.Tables,
                batch, splits, BlockSize, Heads, KvHeads, Stream);
            void LaunchCudaCore() => _kernels[HeadDim].CudaCore.Launch(run.Q, run.K, run.V, run.Out, run.Partials, run.SequenceTable, run.Tables,
                batch, splits, BlockSize, Heads, KvHeads, Stream);
            var fast = run.Output(LaunchTensorCore);
            var plain = run.Output(LaunchCudaCore);
            double tensorMs = Timer.MedianMilliseconds(LaunchTensorCore), cudaMs = Timer.MedianMilliseconds(LaunchCudaCore);
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
            double bytes = (double)batch * (context + 1) * KvHeads * HeadDim * sizeof(ushort) * 2; // K and V rows read
            var line = $"{name} (12 heads / 2 KV, HD 128, {splits} splits): tensor cores {tensorMs * 1000:F1} us ({bytes / (tensorMs * 1e-3) / 1e12:F2} TB/s), "
                + $"CUDA cores {cudaMs * 1000:F1} us ({bytes / (cudaMs * 1e-3) / 1e12:F2} TB/s), x{cudaMs / tensorMs:F2}; "
                + $"outputs differ by rel L2 {stats.RelativeL2:E2}";
            Log.WriteLine("  " + line);
            Summary.Add(line);
            return stats.NonFinite == 0 && stats.RelativeL2 < MaxRelativeL2;
        });
    }



    /// <summary>A fixture's inputs on the device, an output buffer and a partials buffer for the most splits.</summary>
    private sealed class DeviceStep : IDisposable
    {
        private readonly CudaDriver _driver;
        private readonly CudaStreamHandle _stream;
        private readonly PagedAttentionFixture _f;
        private readonly DeviceBlock _block;

        public DeviceStep(CudaDriver driver, CudaStreamHandle stream, PagedAttentionFixture fixture)
        {
            _driver = driver;
            _stream = stream;
            _f = fixture;
            long qBytes = fixture.Query.Length * 2L, cacheBytes = fixture.KeyCache.Length * 2L;
            long partialsBytes = DecodeAttentionMmaKernel.PartialsBytes(fixture.Shape.Length, fixture.Heads, fixture.HeadDim);
            _block = new DeviceBlock(driver, 2 * qBytes + 2 * cacheBytes + partialsBytes
                + 4L * (fixture.Sequences.Length + fixture.BlockTables.Length) + 8 * DeviceArena.DefaultAlignment);
            Q = Upload<ushort>(fixture.Query);
            K = Upload<ushort>(fixture.KeyCache);
            V = Upload<ushort>(fixture.ValueCache);
            SequenceTable = Upload<int>(fixture.Sequences);
            Tables = Upload<int>(fixture.BlockTables);
            Out = _block.Allocate(qBytes);
            Partials = _block.Allocate(partialsBytes);
        }

        public ulong Q { get; }

        public ulong K { get; }

        public ulong V { get; }

        public ulong Out { get; }

        public ulong Partials { get; }

        public ulong SequenceTable { get; }

        public ulong Tables { get; }

        private ulong Upload<T>(T[] values) where T : unmanaged
        {
            var at = _block.Allocate(Math.Max(1L, (long)values.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()));
            DeviceCopy.Upload<T>(_driver, _stream, at, values);
            return at;
        }

        /// <summary>The output of one launch, over a poisoned output buffer (partials poisoned too: a split that
        /// writes nothing must not pass for one that wrote zeros).</summary>
        public ushort[] Output(Action launch)
        {
            _driver.MemsetD32Async(Out, PoisonBf16Pair, _f.Query.Length / 2, _stream);
            _driver.MemsetD32Async(Partials, 0x7FC00000, DecodeAttentionMmaKernel.PartialsBytes(_f.Shape.Length, _f.Heads, _f.HeadDim) / 4, _stream);
            launch();
            var bits = new ushort[_f.Query.Length];
            DeviceCopy.Download<ushort>(_driver, _stream, bits, Out);
            return bits;
        }

        public void Dispose() => _block.Dispose();
    }
}
