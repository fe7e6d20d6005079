using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Memory;

/// <summary>One large device allocation and the arena that carves it up: addresses, not handles, come out.</summary>
public sealed class DeviceBlock : IDisposable
{
    private readonly DeviceMemoryHandle _memory;

    public DeviceBlock(CudaDriver driver, long bytes)
    {
        _memory = driver.Allocate(bytes);
        Arena = new DeviceArena(bytes);
    }

    public DeviceArena Arena { get; }

    public ulong Address => _memory.Address;

    public long Bytes => _memory.Bytes;

    /// <summary>The device address of a fresh aligned region of <paramref name="bytes"/> bytes.</summary>
    public ulong Allocate(long bytes, int alignment = DeviceArena.DefaultAlignment) =>
        _memory.Address + (ulong)Arena.Allocate(bytes, alignment);

    public void Dispose() => _memory.Dispose();
}
