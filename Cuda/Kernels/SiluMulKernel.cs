using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Kernels;

/// <summary>
/// Launches <c>silu_mul_bf16</c> (silu_mul.cu): out[r] = silu(gate[r])·up[r] for rows laid out as [gate | up]
/// of 2·inter bf16 values each.
/// </summary>
public sealed unsafe class SiluMulKernel
{
    public const string EntryPoint = "silu_mul_bf16";
    private const int Threads = 256;

    private readonly CudaDriver _driver;

    public SiluMulKernel(CudaDriver driver, CudaModuleHandle module)
    {
        _driver = driver;
        Function = driver.GetFunction(module, EntryPoint);
    }

    public CudaFunction Function { get; }

    public void Launch(ulong gateUp, ulong output, int rows, int inter, CudaStreamHandle stream)
    {
        if (inter <= 0 || inter % 2 != 0) throw new ArgumentOutOfRangeException(nameof(inter), inter, "inter must be positive and even");
        if (rows == 0) return;
        if (rows > 65535) throw new ArgumentOutOfRangeException(nameof(rows), rows, "at most 65535 rows per launch");
        var blocks = (uint)Math.Min((inter / 2 + Threads - 1) / Threads, 65535);
        void** args = stackalloc void*[3];
        args[0] = &gateUp;
        args[1] = &output;
        args[2] = &inter;
        _driver.Launch(Function, new Dim3(blocks, (uint)rows), new Dim3(Threads), 0, stream, args);
    }
}
