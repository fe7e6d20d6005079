using QwenVL.Cuda.Blas;
using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Runtime.Model;

namespace QwenVL.Cuda.Vision;

/// <summary>The vision tower's seven matmuls planned with cuBLASLt for one patch count (cuBLASLt plans per shape).</summary>
internal sealed class VisionGemms : IDisposable
{
    private readonly List<Bf16Gemm> _all = [];

    public VisionGemms(CuBlasLt lt, CublasLtHandle handle, VisionConfig c, int patches, long workspaceBytes)
    {
        int e = c.EmbedDim, hidden = e * c.MlpRatio, window = c.SpatialMergeSize * c.SpatialMergeSize, tokens = patches / window;
        int patchIn = c.InChannels * c.TemporalPatchSize * c.PatchSize * c.PatchSize;
        try
        {
            Patch = Add(new Bf16Gemm(lt, handle, patches, e, patchIn, workspaceBytes));
            Qkv = Add(new Bf16Gemm(lt, handle, patches, 3 * e, e, workspaceBytes));
            Proj = Add(new Bf16Gemm(lt, handle, patches, e, e, workspaceBytes));
            Fc1 = Add(new Bf16Gemm(lt, handle, patches, hidden, e, workspaceBytes));
            Fc2 = Add(new Bf16Gemm(lt, handle, patches, e, hidden, workspaceBytes));
            MergerFc1 = Add(new Bf16Gemm(lt, handle, tokens, e * window, e * window, workspaceBytes));
            MergerFc2 = Add(new Bf16Gemm(lt, handle, tokens, c.OutHiddenSize, e * window, workspaceBytes));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Bf16Gemm Patch { get; }

    public Bf16Gemm Qkv { get; }

    public Bf16Gemm Proj { get; }

    public Bf16Gemm Fc1 { get; }

    public Bf16Gemm Fc2 { get; }

    public Bf16Gemm MergerFc1 { get; }

    public Bf16Gemm MergerFc2 { get; }

    /// <summary>Floating-point operations of one image's matmuls (depth blocks of four, plus the embedding and merger).</summary>
    public double Flops(int depth) => Patch.Flops + depth * (Qkv.Flops + Proj.Flops + Fc1.Flops + Fc2.Flops) + MergerFc1.Flops + MergerFc2.Flops;

    private Bf16Gemm Add(Bf16Gemm gemm)
    {
        _all.Add(gemm);
        return gemm;
    }

    public void Dispose()
    {
        foreach (var gemm in _all) gemm.Dispose();
        _all.Clear();
    }
}
