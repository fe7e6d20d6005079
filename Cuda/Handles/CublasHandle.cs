using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>A cuBLAS handle (cublasCreate_v2), destroyed with cublasDestroy_v2.</summary>
public sealed unsafe class CublasHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint, CublasStatus> s_destroy =
        (delegate* unmanaged<nint, CublasStatus>)CuBlas.Shared.Library.Export("cublasDestroy_v2");

    internal CublasHandle(nint value) : base(ownsHandle: true) => SetHandle(value);

    internal nint Value => handle;

    protected override bool ReleaseHandle() => s_destroy(handle) == CublasStatus.Success;
}
