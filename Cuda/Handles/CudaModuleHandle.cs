using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>A loaded CUmodule (a cubin's kernels), unloaded with cuModuleUnload; its CudaFunctions die with it.</summary>
public sealed unsafe class CudaModuleHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint, CuResult> s_destroy =
        (delegate* unmanaged<nint, CuResult>)CudaDriver.Shared.Library.Export("cuModuleUnload");

    internal CudaModuleHandle(nint value) : base(ownsHandle: true) => SetHandle(value);

    internal nint Value => handle;

    protected override bool ReleaseHandle() => s_destroy(handle) is CuResult.Success or CuResult.Deinitialized;
}
