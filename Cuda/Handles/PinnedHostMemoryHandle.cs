using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>
/// Page-locked host memory (cuMemAllocHost_v2), freed with cuMemFreeHost: the staging buffer that lets
/// host-device copies run asynchronously at full speed. Allocate once and reuse from step to step.
/// </summary>
public sealed unsafe class PinnedHostMemoryHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint, CuResult> s_free =
        (delegate* unmanaged<nint, CuResult>)CudaDriver.Shared.Library.Export("cuMemFreeHost");

    internal PinnedHostMemoryHandle(nint address, long bytes) : base(ownsHandle: true)
    {
        SetHandle(address);
        Bytes = bytes;
    }

    public long Bytes { get; }

    /// <summary>The first byte; valid while this handle is open.</summary>
    public void* Pointer => (void*)handle;

    public Span<T> AsSpan<T>() where T : unmanaged => new((void*)handle, checked((int)(Bytes / sizeof(T))));

    protected override bool ReleaseHandle() => s_free(handle) is CuResult.Success or CuResult.Deinitialized;
}
