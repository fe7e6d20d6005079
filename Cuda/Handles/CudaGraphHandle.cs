using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>A captured CUgraph, destroyed with cuGraphDestroy; only needed until it is instantiated.</summary>
public sealed unsafe class CudaGraphHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint, CuResult> s_destroy =
        (delegate* unmanaged<nint, CuResult>)CudaDriver.Shared.Library.Export("cuGraphDestroy");

    internal CudaGraphHandle(nint value) : base(ownsHandle: true) => SetHandle(value);

    internal nint Value => handle;

    protected override bool ReleaseHandle() => s_destroy(handle) is CuResult.Success or CuResult.Deinitialized;
}
