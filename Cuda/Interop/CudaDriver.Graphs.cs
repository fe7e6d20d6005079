using QwenVL.Cuda.Handles;

namespace QwenVL.Cuda.Interop;

/// <summary>Stream capture into CUDA graphs and their replay (the decode graphs, the device self-test).</summary>
public sealed unsafe partial class CudaDriver
{
    /// <summary>Starts capturing the stream's work into a graph; only this thread's calls are checked against the capture.</summary>
    public void BeginCapture(CudaStreamHandle stream) =>
        CudaException.ThrowIfFailed(_streamBeginCapture(stream.Value, StreamCaptureMode.ThreadLocal), "cuStreamBeginCapture_v2");

    public CudaGraphHandle EndCapture(CudaStreamHandle stream)
    {
        nint graph;
        CudaException.ThrowIfFailed(_streamEndCapture(stream.Value, &graph), "cuStreamEndCapture");
        return new CudaGraphHandle(graph);
    }

    public CudaGraphExecHandle Instantiate(CudaGraphHandle graph)
    {
        nint exec;
        CudaException.ThrowIfFailed(_graphInstantiate(&exec, graph.Value, 0), "cuGraphInstantiateWithFlags");
        return new CudaGraphExecHandle(exec);
    }

    public void Launch(CudaGraphExecHandle graph, CudaStreamHandle stream) =>
        CudaException.ThrowIfFailed(_graphLaunch(graph.Value, stream.Value), "cuGraphLaunch");

    private enum StreamCaptureMode { Global = 0, ThreadLocal = 1, Relaxed = 2 }
}
