using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>A cuBLASLt matrix layout (type, rows, columns, leading dimension), destroyed with cublasLtMatrixLayoutDestroy.</summary>
public sealed unsafe class CublasLtMatrixLayoutHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint, CublasStatus> s_destroy =
        (delegate* unmanaged<nint, CublasStatus>)CuBlasLt.Shared.Library.Export("cublasLtMatrixLayoutDestroy");

    internal CublasLtMatrixLayoutHandle(nint value) : base(ownsHandle: true) => SetHandle(value);

    internal nint Value => handle;

    protected override bool ReleaseHandle() => s_destroy(handle) == CublasStatus.Success;
}
