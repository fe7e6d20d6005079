using QwenVL.Cuda.Blas;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Memory;

namespace QwenVL.Cuda.Diagnostics;

public sealed partial class DeviceSelfTest
{
    private const long GemmWorkspaceBytes = 32L << 20;

    /// <summary>
    /// C = A·Wᵀ through cuBLASLt, checked against float64 dot products on the CPU, then timed. With several
    /// copies of W the timed runs rotate over them, so a W that fits in L2 is still read from memory.
    /// </summary>
    private bool CheckGemm(int m, int n, int k, int copies)
    {
        using var operands = new GemmOperands(this, m, n, k, copies);
        using var handle = CuBlasLt.Shared.Create();
        using var gemm = new Bf16Gemm(CuBlasLt.Shared, handle, m, n, k, GemmWorkspaceBytes);
        var ok = operands.Check(() => gemm.Run(operands.A, operands.W[0], operands.C, operands.Workspace, GemmWorkspaceBytes, _stream));
        var ms = _timer.MedianMilliseconds(() =>
        {
            foreach (var w in operands.W) gemm.Run(operands.A, w, operands.C, operands.Workspace, GemmWorkspaceBytes, _stream);
        }) / copies;
        _log.WriteLine($"  cuBLASLt {CuBlasLt.Shared.Version()}: {Rates(gemm.Flops, (long)n * k * 2, ms)}, algorithm workspace {gemm.WorkspaceBytes / 1024} KiB");
        return ok;
    }

    /// <summary>The same product through cuBLAS's GemmEx, the fallback path.</summary>
    private bool CheckGemmEx(int m, int n, int k)
    {
        const int copies = 8;
        using var operands = new GemmOperands(this, m, n, k, copies);
        using var handle = CuBlas.Shared.Create();
        CuBlas.Shared.SetStream(handle, _stream);
        CuBlas.Shared.SetWorkspace(handle, operands.Workspace, GemmWorkspaceBytes);
        var ok = operands.Check(() => Bf16Gemm.RunWithCublas(CuBlas.Shared, handle, m, n, k, operands.A, operands.W[0], operands.C));
        var ms = _timer.MedianMilliseconds(() =>
        {
            foreach (var w in operands.W) Bf16Gemm.RunWithCublas(CuBlas.Shared, handle, m, n, k, operands.A, w, operands.C);
        }) / copies;
        _log.WriteLine($"  cuBLAS {CuBlas.Shared.Version(handle)}: {Rates(2.0 * m * n * k, (long)n * k * 2, ms)}");
        return ok;
    }

    private static string Rates(double flops, long weightBytes, double ms) =>
        $"{ms * 1000:F1} us per product, {flops / (ms * 1e-3) / 1e12:F1} TFLOP/s, W read at {weightBytes / (ms * 1e-3) / 1e9:F0} GB/s";

    /// <summary>Random bf16 A and W (W copied <c>copies</c> times), an output and a workspace in one device block.</summary>
    private sealed class GemmOperands : IDisposable
    {
        private readonly DeviceSelfTest _test;
        private readonly DeviceBlock _block;
        private readonly ushort[] _a;
        private readonly ushort[] _w;
        private readonly int _m, _n, _k;

        public GemmOperands(DeviceSelfTest test, int m, int n, int k, int copies)
        {
            _test = test;
            (_m, _n, _k) = (m, n, k);
            _a = HostReference.RandomBf16(test._random, m * k, -1f, 1f);
            _w = HostReference.RandomBf16(test._random, n * k, -1f, 1f);
            long aBytes = (long)m * k * 2, wBytes = (long)n * k * 2, cBytes = (long)m * n * 2;
            _block = new DeviceBlock(test._driver, aBytes + copies * wBytes + cBytes + GemmWorkspaceBytes + (copies + 3) * DeviceArena.DefaultAlignment);
            A = _block.Allocate(aBytes);
            W = new ulong[copies];
            for (var i = 0; i < copies; i++) W[i] = _block.Allocate(wBytes);
            C = _block.Allocate(cBytes);
            Workspace = _block.Allocate(GemmWorkspaceBytes);
            DeviceCopy.Upload<ushort>(test._driver, test._stream, A, _a);
            DeviceCopy.Upload<ushort>(test._driver, test._stream, W[0], _w);
            for (var i = 1; i < copies; i++) test._driver.CopyDeviceToDeviceAsync(W[i], W[0], wBytes, test._stream);
            test._driver.Synchronize(test._stream);
        }

        public ulong A { get; }

        public ulong[] W { get; }

        public ulong C { get; }

        public ulong Workspace { get; }

        /// <summary>Poisons C, runs the product once, and compares every output (or 256 sampled ones when there are many) with the CPU.</summary>
        public bool Check(Action run)
        {
            var driver = _test._driver;
            var count = (long)_m * _n;
            driver.MemsetD32Async(C, PoisonBf16Pair, count / 2, _test._stream);
            run();
            var got = new ushort[count];
            DeviceCopy.Download<ushort>(driver, _test._stream, got, C);

            var errors = new ErrorAccumulator();
            var nonFinite = 0;
            foreach (var value in got)
                if (!float.IsFinite(BFloat16.ToSingle(value))) nonFinite++;
            var all = count <= 1 << 16;
            var samples = all ? count : 256;
            for (long s = 0; s < samples; s++)
            {
                var index = all ? s : _test._random.NextInt64(count);
                int row = (int)(index / _n), column = (int)(index % _n);
                errors.Add(BFloat16.ToSingle(got[index]), HostReference.Dot(_a, _w, row, column, _k));
            }
            var stats = errors.Result;
            _test._log.WriteLine($"  M={_m} N={_n} K={_k}: {(all ? "all" : "sampled")} outputs vs float64 CPU: {stats}; non-finite in all {count}: {nonFinite}");
            return nonFinite == 0 && stats.WithinBf16Tolerance(1e-2);
        }

        public void Dispose() => _block.Dispose();
    }
}
