using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda;

/// <summary>
/// A failed call into the CUDA driver, NVRTC, cuBLAS or cuBLASLt. The message names the call and the
/// library's name for the error: <c>cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory</c>.
/// Every status code goes through one of the <c>ThrowIfFailed</c> overloads.
/// </summary>
public sealed class CudaException : Exception
{
    public CudaException(string call, string errorName, int code, string? detail = null)
        : base(Format(call, errorName, code, detail))
    {
        Call = call;
        ErrorName = errorName;
        Code = code;
    }

    /// <summary>The native function that failed, as the library exports it (<c>cuLaunchKernel</c>).</summary>
    public string Call { get; }

    /// <summary>The library's name for the status (<c>CUDA_ERROR_ILLEGAL_ADDRESS</c>).</summary>
    public string ErrorName { get; }

    public int Code { get; }

    public static string Format(string call, string errorName, int code, string? detail) =>
        string.IsNullOrEmpty(detail)
            ? $"{call} failed: {errorName} ({code})"
            : $"{call} failed: {errorName} ({code}): {detail}";

    public static void ThrowIfFailed(CuResult result, string call)
    {
        if (result != CuResult.Success) throw FromDriver(result, call);
    }

    public static void ThrowIfFailed(NvrtcResult result, string call)
    {
        if (result != NvrtcResult.Success) throw new CudaException(call, NvrtcResultNames.Of(result), (int)result);
    }

    public static void ThrowIfFailed(CublasStatus status, string call)
    {
        if (status != CublasStatus.Success) throw new CudaException(call, CublasStatusNames.Of(status), (int)status);
    }

    /// <summary>The exception for a CUresult, named by cuGetErrorName/cuGetErrorString once the driver is loaded.</summary>
    public static CudaException FromDriver(CuResult result, string call)
    {
        var (name, text) = CudaDriver.DescribeError(result);
        return new CudaException(call, name, (int)result, text);
    }
}
