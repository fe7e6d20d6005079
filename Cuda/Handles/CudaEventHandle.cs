using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>A CUevent, destroyed with cuEventDestroy_v2.</summary>
public sealed unsafe class CudaEventHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint, CuResult> s_destroy =
        (delegate* unmanaged<nint, CuResult>)CudaDriver.Shared.Library.Export("cuEventDestroy_v2");

    internal CudaEventHandle(nint value) : base(ownsHandle: true) => SetHandle(value);

    internal nint Value => handle;

    protected override bool ReleaseHandle() => s_destroy(handle) is CuResult.Success or CuResult.Deinitialized;
}
