using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>A cuBLASLt matmul descriptor (compute type, scale type, transposes), destroyed with cublasLtMatmulDescDestroy.</summary>
public sealed unsafe class CublasLtMatmulDescHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint, CublasStatus> s_destroy =
        (delegate* unmanaged<nint, CublasStatus>)CuBlasLt.Shared.Library.Export("cublasLtMatmulDescDestroy");

    internal CublasLtMatmulDescHandle(nint value) : base(ownsHandle: true) => SetHandle(value);

    internal nint Value => handle;

    protected override bool ReleaseHandle() => s_destroy(handle) == CublasStatus.Success;
}
