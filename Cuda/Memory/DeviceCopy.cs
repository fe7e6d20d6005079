using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Memory;

/// <summary>Blocking copies between managed arrays and device memory, for set-up and checks (not for the step loop).</summary>
public static unsafe class DeviceCopy
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> and waits for the stream.</summary>
    public static void Upload<T>(CudaDriver driver, CudaStreamHandle stream, ulong destination, ReadOnlySpan<T> source) where T : unmanaged
    {
        fixed (T* p = source)
        {
            driver.CopyHostToDeviceAsync(destination, p, (long)source.Length * sizeof(T), stream);
            driver.Synchronize(stream);
        }
    }

    /// <summary>Copies device memory into <paramref name="destination"/> once the stream's earlier work is done.</summary>
    public static void Download<T>(CudaDriver driver, CudaStreamHandle stream, Span<T> destination, ulong source) where T : unmanaged
    {
        fixed (T* p = destination)
        {
            driver.CopyDeviceToHostAsync(p, source, (long)destination.Length * sizeof(T), stream);
            driver.Synchronize(stream);
        }
    }
}
