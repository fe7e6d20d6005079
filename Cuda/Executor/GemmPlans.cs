using QwenVL.Cuda.Blas;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// cuBLASLt plans for the decoder's products, one per (M, N, K, output type, accumulate), made the first time a
/// step has that many rows and kept: planning asks the heuristic, which costs more than the product at decode size.
/// </summary>
internal sealed class GemmPlans(CuBlasLt lt, long workspaceBytes) : IDisposable
{
    private readonly CublasLtHandle _handle = lt.Create();
    private readonly Dictionary<(int M, int N, int K, CudaDataType Output, bool Accumulate), Bf16Gemm> _plans = new();

    public long WorkspaceBytes => workspaceBytes;

    public int Count => _plans.Count;

    public Bf16Gemm For(int m, int n, int k, CudaDataType output, bool accumulate)
    {
        var key = (m, n, k, output, accumulate);
        if (!_plans.TryGetValue(key, out var plan))
        {
            plan = new Bf16Gemm(lt, _handle, m, n, k, workspaceBytes, output, accumulate);
            _plans.Add(key, plan);
        }
        return plan;
    }

    public void Dispose()
    {
        foreach (var plan in _plans.Values) plan.Dispose();
        _plans.Clear();
        _handle.Dispose();
    }
}
