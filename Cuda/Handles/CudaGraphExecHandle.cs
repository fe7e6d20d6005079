using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>An instantiated CUgraphExec, launched as one unit and destroyed with cuGraphExecDestroy.</summary>
public sealed unsafe class CudaGraphExecHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint, CuResult> s_destroy =
        (delegate* unmanaged<nint, CuResult>)CudaDriver.Shared.Library.Export("cuGraphExecDestroy");

    internal CudaGraphExecHandle(nint value) : base(ownsHandle: true) => SetHandle(value);

    internal nint Value => handle;

    protected override bool ReleaseHandle() => s_destroy(handle) is CuResult.Success or CuResult.Deinitialized;
}
