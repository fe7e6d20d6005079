using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>A cuBLASLt matmul preference (workspace limit for the heuristic), destroyed with cublasLtMatmulPreferenceDestroy.</summary>
public sealed unsafe class CublasLtMatmulPreferenceHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint, CublasStatus> s_destroy =
        (delegate* unmanaged<nint, CublasStatus>)CuBlasLt.Shared.Library.Export("cublasLtMatmulPreferenceDestroy");

    internal CublasLtMatmulPreferenceHandle(nint value) : base(ownsHandle: true) => SetHandle(value);

    internal nint Value => handle;

    protected override bool ReleaseHandle() => s_destroy(handle) == CublasStatus.Success;
}
