using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches the vision tower's attention within segments (vision_attention.cu) for one head dimension: the tensor-core
/// kernel <c>vision_attention_hdN</c> (mma.sync, flash-attention-2 style). It reads q, k, v from the qkv rows and takes
/// the work list <see cref="Vision.AttentionTiles"/> builds.
/// </summary>
public sealed unsafe class VisionAttentionKernel : Vision.IVisionAttention
{
    /// <summary>Queries per block, and keys per step of the tensor-core kernel (kQueries, kKeys in the source).</summary>
    public const int Tile = 64;
    private const int Threads = 128;

    private readonly CudaDriver _driver;

    public VisionAttentionKernel(CudaDriver driver, CudaModuleHandle module, int headDim)
    {
        if (!IsSupported(headDim))
            throw new ArgumentOutOfRangeException(nameof(headDim), headDim, $"vision attention is compiled for head dims {string.Join(", ", HeadDims)}");
        _driver = driver;
        HeadDim = headDim;
        Fast = driver.GetFunction(module, $"vision_attention_hd{headDim}");
        SharedBytes = SharedBytesFor(headDim);
        driver.SetFunctionAttribute(Fast, FunctionAttribute.MaxDynamicSharedSizeBytes, SharedBytes);
    }

    /// <summary>The head dimensions the source instantiates.</summary>
    public static IReadOnlyList<int> HeadDims { get; } = [32, 64, 80, 128];

    public static bool IsSupported(int headDim) => HeadDims.Contains(headDim);

    public int HeadDim { get; }

    public CudaFunction Fast { get; }

    /// <summary>Dynamic shared memory of one block of the tensor-core kernel.</summary>
    public int SharedBytes { get; }

    /// <summary>Layout&lt;HD&gt; in vision_attention.cu: Q and K tiles of 64 rows of headDim + 8 bf16, then Vᵀ, headDim rows of 72 bf16.</summary>
    public static int SharedBytesFor(int headDim) => 2 * Tile * (headDim + 8) * 2 + headDim * (Tile + 8) * 2;

    /// <summary>log2(e)/√headDim: the kernels work in powers of two.</summary>
    public static float ScaleLog2(int headDim) => (float)(1.0 / Math.Sqrt(headDim) / Math.Log(2.0));

    public void Launch(ulong qkv, ulong output, ulong tiles, int tileCount, int heads, CudaStreamHandle stream)
    {
        if (tileCount == 0) return;
        int width = heads * HeadDim;
        float scale = ScaleLog2(HeadDim);
        void** args = stackalloc void*[5];
        args[0] = &qkv;
        args[1] = &output;
        args[2] = &tiles;
        args[3] = &width;
        args[4] = &scale;
        var grid = new Dim3((uint)tileCount, (uint)heads);
        _driver.Launch(Fast, grid, new Dim3(Threads), (uint)SharedBytes, stream, args);
    }
}
