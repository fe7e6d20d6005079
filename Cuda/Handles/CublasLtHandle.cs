using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>A cuBLASLt handle (cublasLtCreate), destroyed with cublasLtDestroy.</summary>
public sealed unsafe class CublasLtHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint, CublasStatus> s_destroy =
        (delegate* unmanaged<nint, CublasStatus>)CuBlasLt.Shared.Library.Export("cublasLtDestroy");

    internal CublasLtHandle(nint value) : base(ownsHandle: true) => SetHandle(value);

    internal nint Value => handle;

    protected override bool ReleaseHandle() => s_destroy(handle) == CublasStatus.Success;
}
