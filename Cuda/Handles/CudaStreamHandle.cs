using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>A CUstream, destroyed with cuStreamDestroy_v2 (work already queued still completes).</summary>
public sealed unsafe class CudaStreamHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint, CuResult> s_destroy =
        (delegate* unmanaged<nint, CuResult>)CudaDriver.Shared.Library.Export("cuStreamDestroy_v2");

    internal CudaStreamHandle(nint value) : base(ownsHandle: true) => SetHandle(value);

    internal nint Value => handle;

    protected override bool ReleaseHandle() => s_destroy(handle) is CuResult.Success or CuResult.Deinitialized;
}
