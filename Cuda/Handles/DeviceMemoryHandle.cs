using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>
/// One block of device memory (cuMemAlloc_v2), freed with cuMemFree_v2. Blocks are few and large
/// (weights, workspace, KV pool); code inside a block works with offsets handed out by a <see cref="Memory.DeviceArena"/>.
/// </summary>
public sealed unsafe class DeviceMemoryHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<ulong, CuResult> s_free =
        (delegate* unmanaged<ulong, CuResult>)CudaDriver.Shared.Library.Export("cuMemFree_v2");

    internal DeviceMemoryHandle(ulong address, long bytes) : base(ownsHandle: true)
    {
        SetHandle((nint)address);
        Bytes = bytes;
    }

    /// <summary>The device address of the block's first byte (CUdeviceptr).</summary>
    public ulong Address => (ulong)handle;

    public long Bytes { get; }

    protected override bool ReleaseHandle() => s_free((ulong)handle) is CuResult.Success or CuResult.Deinitialized;
}
