using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Diagnostics.ReferenceKernels;

/// <summary>
/// Launches <c>paged_attention_hd64</c> / <c>paged_attention_hd128</c> (ReferenceKernels/paged_attention.cu): causal
/// grouped-query attention of a varlen batch over the paged KV cache on CUDA cores, the kernel the prefill check times
/// and compares the tensor-core one with. One block per (query tile, KV head); a tile holds up to
/// <see cref="TileQueries"/> queries of one sequence, so that tile × group query rows fill the block's 32 rows.
/// </summary>
public sealed unsafe class CudaCorePagedAttentionKernel
{
    /// <summary>Query rows (query × head of a group) one block serves: the kernel's ROWS.</summary>
    public const int RowsPerBlock = 32;
    private const int Threads = 256;

    private readonly CudaDriver _driver;

    public CudaCorePagedAttentionKernel(CudaDriver driver, CudaModuleHandle module, int headDim)
    {
        if (headDim is not (64 or 128)) throw new ArgumentOutOfRangeException(nameof(headDim), headDim, "paged attention is built for head dims 64 and 128");
        _driver = driver;
        HeadDim = headDim;
        Function = driver.GetFunction(module, EntryPoint(headDim));
    }

    public CudaFunction Function { get; }

    public int HeadDim { get; }

    public static string EntryPoint(int headDim) => $"paged_attention_hd{headDim}";

    /// <summary>Queries per tile: as many as fill the block's rows with every head of a KV group.</summary>
    public static int TileQueries(int heads, int kvHeads)
    {
        if (kvHeads <= 0 || heads % kvHeads != 0) throw new ArgumentException($"{heads} query heads do not split into {kvHeads} KV groups");
        int group = heads / kvHeads;
        if (group > RowsPerBlock) throw new ArgumentException($"a KV group of {group} query heads is more than the {RowsPerBlock} rows of a block");
        return RowsPerBlock / group;
    }

    /// <param name="sequences">device int4 per sequence: first row, query count, context length, block table start</param>
    /// <param name="tiles">device int2 per work item: sequence, first query of the tile</param>
    public void Launch(ulong q, ulong keyCache, ulong valueCache, ulong output, ulong sequences, ulong blockTables, ulong tiles, int tileCount,
        int blockSize, int heads, int kvHeads, CudaStreamHandle stream)
    {
        if (tileCount == 0) return;
        int tileQueries = TileQueries(heads, kvHeads);
        float scaleLog2 = (float)(1.0 / Math.Sqrt(HeadDim) / Math.Log(2.0));
        void** args = stackalloc void*[12];
        args[0] = &q;
        args[1] = &keyCache;
        args[2] = &valueCache;
        args[3] = &output;
        args[4] = &sequences;
        args[5] = &blockTables;
        args[6] = &tiles;
        args[7] = &blockSize;
        args[8] = &heads;
        args[9] = &kvHeads;
        args[10] = &tileQueries;
        args[11] = &scaleLog2;
        _driver.Launch(Function, new Dim3((uint)tileCount, (uint)kvHeads), new Dim3(Threads), 0, stream, args);
    }
}
