using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>
/// A retained primary context of one device (cuDevicePrimaryCtxRetain), released with
/// cuDevicePrimaryCtxRelease_v2. The primary context is the one the CUDA runtime, and so cuBLAS, uses too.
/// </summary>
public sealed unsafe class CudaContextHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<int, CuResult> s_release =
        (delegate* unmanaged<int, CuResult>)CudaDriver.Shared.Library.Export("cuDevicePrimaryCtxRelease_v2");

    internal CudaContextHandle(nint value, int device) : base(ownsHandle: true)
    {
        SetHandle(value);
        Device = device;
    }

    /// <summary>The CUdevice whose primary context this is.</summary>
    public int Device { get; }

    internal nint Value => handle;

    protected override bool ReleaseHandle() => s_release(Device) is CuResult.Success or CuResult.Deinitialized;
}
