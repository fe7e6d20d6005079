using Microsoft.Win32.SafeHandles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Handles;

/// <summary>An NVRTC program (nvrtcCreateProgram), destroyed with nvrtcDestroyProgram.</summary>
public sealed unsafe class NvrtcProgramHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private static readonly delegate* unmanaged<nint*, NvrtcResult> s_destroy =
        (delegate* unmanaged<nint*, NvrtcResult>)Nvrtc.Shared.Library.Export("nvrtcDestroyProgram");

    internal NvrtcProgramHandle(nint value) : base(ownsHandle: true) => SetHandle(value);

    internal nint Value => handle;

    protected override bool ReleaseHandle()
    {
        var program = handle;
        return s_destroy(&program) == NvrtcResult.Success;
    }
}
