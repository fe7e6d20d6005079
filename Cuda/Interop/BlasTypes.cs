namespace QwenVL.Cuda.Interop;

/// <summary>cudaDataType_t values used with cuBLAS and cuBLASLt.</summary>
public enum CudaDataType
{
    R32F = 0,
    R16F = 2,
    R16BF = 14,
}

/// <summary>cublasComputeType_t: the precision products are accumulated in.</summary>
public enum CublasComputeType
{
    F32 = 68,
}

/// <summary>cublasOperation_t: whether a column-major operand is used as stored or transposed.</summary>
public enum CublasOperation
{
    N = 0,
    T = 1,
}
