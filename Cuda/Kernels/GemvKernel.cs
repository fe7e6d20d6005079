using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>The input of a product taken as RMSNorm(residual)·weight, computed by the product's own blocks.</summary>
/// <param name="Residual">fp32 [rows, k]</param>
/// <param name="Weight">fp32 [k]: the norm's weight</param>
public readonly record struct NormedInput(ulong Residual, ulong Weight, float Eps);

/// <summary>
/// Launches gemv.cu's decode-sized products (a warp per output column) for steps of at most
/// <see cref="MaxRows"/> rows: y = x·wᵀ into fp32 (stored or added), or the merged gate_up projection with SiLU·up
/// applied on the way out, so that its [rows, 2·inter] intermediate is never written.
/// </summary>
public sealed unsafe class GemvKernel
{
    /// <summary>The most rows of x one launch serves.</summary>
    public const int MaxRows = 4;
    private const int Warps = 8;

    private readonly CudaDriver _driver;
    private readonly CudaFunction[] _f32;
    private readonly CudaFunction[] _silu;

    public GemvKernel(CudaDriver driver, CudaModuleHandle module)
    {
        _driver = driver;
        _f32 = [.. Variants.Select(m => driver.GetFunction(module, $"gemv_f32_m{m}"))];
        _silu = [.. Variants.Select(m => driver.GetFunction(module, $"gemv_silu_m{m}"))];
    }

    /// <summary>The compiled row counts; a launch uses the smallest that holds its rows.</summary>
    public static IReadOnlyList<int> Variants { get; } = [1, 2, 4];

    /// <summary>The index of the variant that serves <paramref name="rows"/> rows.</summary>
    public static int VariantFor(int rows)
    {
        if (rows < 1 || rows > MaxRows) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"1 to {MaxRows} rows");
        for (int i = 0; i < Variants.Count; i++)
            if (Variants[i] >= rows) return i;
        throw new InvalidOperationException("unreachable: the last variant is MaxRows");
    }

    /// <summary>
    /// Warps sharing one column (1, 2, 4 or 8): enough that each lane has at most 8 of the row's 16-byte chunks, so
    /// a long row is read by several warps at once instead of one warp waiting on its loads in turn.
    /// </summary>
    public static int KSplit(int k)
    {
        int chunksPerLane = (k / 8 + 31) / 32;
        int split = 1;
        while (split < Warps && (chunksPerLane + split - 1) / split > 8) split *= 2;
        return split;
    }

    /// <summary>
    /// y[rows, n] (fp32) = x[rows, k]·w[n, k]ᵀ, or y += it with <paramref name="accumulate"/>; with
    /// <paramref name="normed"/>, x is RMSNorm of its residual instead (x is then not read).
    /// </summary>
    public void Launch(ulong x, ulong w, ulong y, int rows, int n, int k, bool accumulate, CudaStreamHandle stream, NormedInput? normed = null)
    {
        CheckShape(n, k);
        int add = accumulate ? 1 : 0, split = KSplit(k);
        var (residual, norm, eps) = (normed?.Residual ?? 0, normed?.Weight ?? 0, normed?.Eps ?? 0f);
        void** args = stackalloc void*[11];
        args[0] = &x;
        args[1] = &residual;
        args[2] = &norm;
        args[3] = &eps;
        args[4] = &w;
        args[5] = &y;
        args[6] = &rows;
        args[7] = &n;
        args[8] = &k;
        args[9] = &add;
        args[10] = &split;
        int columnsPerBlock = Warps / split;
        _driver.Launch(_f32[VariantFor(rows)], new Dim3((uint)((n + columnsPerBlock - 1) / columnsPerBlock)), new Dim3(Warps * 32), 0, stream, args);
    }

    /// <summary>y[rows, inter] (bf16) = silu(x·gateᵀ)·(x·upᵀ), w holding the gate rows then the up rows ([2·inter, k]).</summary>
    public void LaunchSiluGateUp(ulong x, ulong w, ulong y, int rows, int inter, int k, CudaStreamHandle stream, NormedInput? normed = null)
    {
        CheckShape(inter, k);
        var (residual, norm, eps) = (normed?.Residual ?? 0, normed?.Weight ?? 0, normed?.Eps ?? 0f);
        void** args = stackalloc void*[9];
        args[0] = &x;
        args[1] = &residual;
        args[2] = &norm;
        args[3] = &eps;
        args[4] = &w;
        args[5] = &y;
        args[6] = &rows;
        args[7] = &inter;
        args[8] = &k;
        _driver.Launch(_silu[VariantFor(rows)], Grid(inter), new Dim3(Warps * 32), 0, stream, args);
    }

    private static Dim3 Grid(int n) => new((uint)((n + Warps - 1) / Warps));

    private static void CheckShape(int n, int k)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "at least one output column");
        if (k < 8 || k % 8 != 0) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be a positive multiple of 8 (16-byte loads)");
    }
}
