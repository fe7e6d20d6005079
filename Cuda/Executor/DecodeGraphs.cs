using System.Diagnostics;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Runtime.Execution;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// One captured graph of the whole decoder forward pass (embedding to logits) per decode bucket, for one KV cache:
/// replaying it costs one launch instead of ~255, and each kernel ~1 µs of device time instead of ~4 (docs/performance.md).
/// The step's metadata is copied into the layout the bucket was captured with before each replay.
/// </summary>
internal sealed class DecodeGraphs : IDisposable
{
    private readonly Dictionary<int, CudaGraphExecHandle> _graphs = new();

    private DecodeGraphs(DecodeGraphBuckets buckets) => Buckets = buckets;

    public DecodeGraphBuckets Buckets { get; }

    public int Count => _graphs.Count;

    /// <summary>Wall-clock milliseconds the capture took (warm-up passes included).</summary>
    public double CaptureMilliseconds { get; private set; }

    /// <summary>
    /// For each bucket: an eager pass over an all-padding step (which also makes the cuBLASLt plans, so nothing is
    /// planned while capturing), then the same pass captured and instantiated.
    /// </summary>
    public static unsafe DecodeGraphs Capture(CudaDriver driver, CudaStreamHandle stream, CudaDecoder decoder, StepMetadata metadata,
        PinnedHostMemoryHandle metadataHost, DecodeGraphBuckets buckets, ulong kvCache, int kvDeviceBlocks, int scratchBlock)
    {
        var graphs = new DecodeGraphs(buckets);
        var clock = Stopwatch.StartNew();
        var empty = new StepBatch([]);
        try
        {
            foreach (int bucket in buckets.Sizes)
            {
                var host = new Span<byte>(metadataHost.Pointer, metadata.CapacityBytes);
                metadata.PackDecode(empty, bucket, kvDeviceBlocks, scratchBlock, host);
                var layout = metadata.DecodeLayout(bucket);
                driver.CopyHostToDeviceAsync(decoder.Metadata, metadataHost.Pointer, layout.Bytes, stream);
                decoder.Forward(layout, kvCache, kvDeviceBlocks);
                driver.Synchronize(stream);
                graphs._graphs.Add(bucket, CaptureOne(driver, stream, decoder, layout, kvCache, kvDeviceBlocks));
            }
        }
        catch
        {
            graphs.Dispose();
            throw;
        }
        graphs.CaptureMilliseconds = clock.Elapsed.TotalMilliseconds;
        return graphs;
    }

    private static CudaGraphExecHandle CaptureOne(CudaDriver driver, CudaStreamHandle stream, CudaDecoder decoder, PackedStep layout,
        ulong kvCache, int kvDeviceBlocks)
    {
        driver.BeginCapture(stream);
        try
        {
            decoder.Forward(layout, kvCache, kvDeviceBlocks);
        }
        catch
        {
            try { driver.EndCapture(stream).Dispose(); } catch (CudaException) { }
            throw;
        }
        using var graph = driver.EndCapture(stream);
        return driver.Instantiate(graph);
    }

    /// <summary>Queues the replay of <paramref name="bucket"/>'s graph; its metadata must already be queued on the same stream.</summary>
    public void Launch(CudaDriver driver, int bucket, CudaStreamHandle stream)
    {
        if (!_graphs.TryGetValue(bucket, out var graph)) throw new ArgumentException($"no decode graph was captured for {bucket} sequences");
        driver.Launch(graph, stream);
    }

    public void Dispose()
    {
        foreach (var graph in _graphs.Values) graph.Dispose();
        _graphs.Clear();
    }
}
