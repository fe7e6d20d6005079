using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches <c>embed_rows</c> (embed.cu): each row of the fp32 residual stream gets its token's bf16 embedding,
/// widened, or the fp32 image embedding row whose device address the row's image source holds (0: none).
/// </summary>
public sealed unsafe class EmbedKernel
{
    public const string EntryPoint = "embed_rows";

    private readonly CudaDriver _driver;

    public EmbedKernel(CudaDriver driver, CudaModuleHandle module)
    {
        _driver = driver;
        Function = driver.GetFunction(module, EntryPoint);
    }

    public CudaFunction Function { get; }

    public void Launch(ulong tokenIds, ulong imageSources, ulong table, ulong residual, int rows, int hidden, CudaStreamHandle stream)
    {
        if (hidden <= 0 || hidden % 2 != 0) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden must be positive and even");
        if (rows == 0) return;
        void** args = stackalloc void*[5];
        args[0] = &tokenIds;
        args[1] = &imageSources;
        args[2] = &table;
        args[3] = &residual;
        args[4] = &hidden;
        _driver.Launch(Function, new Dim3((uint)rows), new Dim3((uint)RmsNormResidualKernel.BlockSize(hidden)), 0, stream, args);
    }
}
