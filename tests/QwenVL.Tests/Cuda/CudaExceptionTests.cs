using QwenVL.Cuda;
using QwenVL.Cuda.Interop;
using Xunit;

namespace QwenVL.Tests.Cuda;

public class CudaExceptionTests
{
    [Fact]
    public void Success_throws_nothing()
    {
        CudaException.ThrowIfFailed(CuResult.Success, "cuInit");
        CudaException.ThrowIfFailed(NvrtcResult.Success, "nvrtcCompileProgram");
        CudaException.ThrowIfFailed(CublasStatus.Success, "cublasLtMatmul");
    }

    [Fact]
    public void Driver_error_names_the_call_and_the_error()
    {
        var e = Assert.Throws<CudaException>(() => CudaException.ThrowIfFailed(CuResult.OutOfMemory, "cuMemAlloc_v2"));
        Assert.StartsWith("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2)", e.Message);
        Assert.Equal("cuMemAlloc_v2", e.Call);
        Assert.Equal("CUDA_ERROR_OUT_OF_MEMORY", e.ErrorName);
        Assert.Equal(2, e.Code);
    }

    [Fact]
    public void Driver_error_names_follow_cuda_spelling_before_the_driver_is_loaded()
    {
        Assert.Equal("CUDA_ERROR_ILLEGAL_ADDRESS", CudaDriver.FallbackName(CuResult.IllegalAddress));
        Assert.Equal("CUDA_ERROR_NO_BINARY_FOR_GPU", CudaDriver.FallbackName(CuResult.NoBinaryForGpu));
        Assert.Equal("CUDA_SUCCESS", CudaDriver.FallbackName(CuResult.Success));
        Assert.Equal("CUDA_ERROR_12345", CudaDriver.FallbackName((CuResult)12345));
    }

    [Fact]
    public void Nvrtc_and_cublas_errors_carry_their_library_names()
    {
        var nvrtc = Assert.Throws<CudaException>(() => CudaException.ThrowIfFailed(NvrtcResult.InvalidOption, "nvrtcCompileProgram"));
        Assert.Equal("nvrtcCompileProgram failed: NVRTC_ERROR_INVALID_OPTION (5)", nvrtc.Message);
        var blas = Assert.Throws<CudaException>(() => CudaException.ThrowIfFailed(CublasStatus.NotSupported, "cublasLtMatmul"));
        Assert.Equal("cublasLtMatmul failed: CUBLAS_STATUS_NOT_SUPPORTED (15)", blas.Message);
    }

    [Fact]
    public void Detail_follows_the_code()
    {
        Assert.Equal("cuModuleGetFunction failed: CUDA_ERROR_NOT_FOUND (500): kernel 'x'",
            CudaException.Format("cuModuleGetFunction", "CUDA_ERROR_NOT_FOUND", 500, "kernel 'x'"));
    }
}
