using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>Launches <c>sample_rows</c> (sampling.cu): one block of 1024 threads per sampling row.</summary>
public sealed unsafe class SamplingKernel
{
    public const string EntryPoint = "sample_rows";
    private const int Threads = 1024;

    private readonly CudaDriver _driver;

    public SamplingKernel(CudaDriver driver, CudaModuleHandle module)
    {
        _driver = driver;
        Function = driver.GetFunction(module, EntryPoint);
    }

    public CudaFunction Function { get; }

    public void Launch(ulong logits, ulong work, ulong rows, ulong stops, ulong history, ulong output, int rowCount, int vocab, CudaStreamHandle stream)
    {
        if (rowCount == 0) return;
        void** args = stackalloc void*[7];
        args[0] = &logits;
        args[1] = &work;
        args[2] = &rows;
        args[3] = &stops;
        args[4] = &history;
        args[5] = &output;
        args[6] = &vocab;
        _driver.Launch(Function, new Dim3((uint)rowCount), new Dim3(Threads), 0, stream, args);
    }
}
