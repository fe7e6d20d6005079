using QwenVL.Cuda.Handles;
using QwenVL.Cuda.Interop;
using QwenVL.Cuda.Kernels;
using QwenVL.Runtime.Model;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// Queues one step's forward pass of the Qwen2 decoder on the stream: bf16 weights and matmul inputs, fp32
/// accumulation, an fp32 residual stream that o_proj and down_proj add themselves into.
/// Per layer: RMSNorm → QKV matmul (fp32 out) → bias + M-RoPE + KV-cache write → paged attention → o_proj (+=)
/// → RMSNorm → GATE_UP matmul → SiLU·mul → down_proj (+=). Then the final norm and lm_head for the sample rows only.
/// Steps of at most GemvKernel.MaxRows tokens use gemv.cu's products instead of cuBLASLt's, with the RMSNorms computed
/// inside qkv's and gate_up's blocks and SiLU·up fused into gate_up.
/// </summary>
internal sealed class CudaDecoder(
    CudaStreamHandle stream, DecoderKernels kernels, DeviceWeights weights, GemmPlans gemms,
    ActivationLayout layout, ulong activations, KvCacheLayout kv, int multiprocessors, bool smallStepGemv)
{
    private readonly TextConfig _c = weights.Layout.Config;
    private readonly QkvRopeCacheKernel.Shape _rope = QkvRopeCacheKernel.Shape.Of(weights.Layout.Config);

    private ulong A(long offset) => activations + (ulong)offset;

    public ulong Logits => A(layout.Logits);

    public ulong Metadata => A(layout.Metadata);

    /// <summary>
    /// Splits of the decode attention kernel when every sequence brings one token (a function of the sequence count
    /// alone, so a captured bucket keeps it); 0: the general paged attention (prefill chunks, mixed steps).
    /// </summary>
    public int DecodeSplits(in PackedStep step) =>
        step.Tokens == step.SequenceCount && _c.NumHeads / _c.NumKvHeads <= DecodeAttentionMmaKernel.MaxGroup
            ? DecodeAttentionMmaKernel.Splits(step.SequenceCount, _c.NumKvHeads, multiprocessors)
            : 0;

    /// <summary>Queues the step; the logits of its <see cref="PackedStep.SampleRowCount"/> rows end in <see cref="Logits"/>, [rows, vocab] fp32.</summary>
    public void Forward(in PackedStep step, ulong kvCache, int kvBlocks)
    {
        int n = step.Tokens, h = _c.HiddenSize, inter = _c.IntermediateSize;
        int q = _c.NumHeads * _c.HeadDim, qkvWidth = weights.Layout.QkvWidth;
        float eps = (float)_c.RmsNormEps;
        ulong metadata = Metadata, workspace = A(layout.Workspace);
        long workspaceBytes = gemms.WorkspaceBytes;
        ulong residual = A(layout.Residual), normed = A(layout.Normed), qkv = A(layout.Qkv), query = A(layout.Query);
        ulong attention = A(layout.Attention), gateUp = A(layout.GateUp), activated = A(layout.Activated);
        ulong M(int offset) => metadata + (ulong)offset;
        ulong partials = A(layout.DecodePartials);
        int decodeSplits = DecodeSplits(step);

        bool gemv = smallStepGemv && n <= GemvKernel.MaxRows;
        var qkvGemm = gemv ? null : gemms.For(n, qkvWidth, h, CudaDataType.R32F, accumulate: false);
        var oGemm = gemv ? null : gemms.For(n, h, q, CudaDataType.R32F, accumulate: true);
        var gateUpGemm = gemv ? null : gemms.For(n, 2 * inter, h, CudaDataType.R16BF, accumulate: false);
        var downGemm = gemv ? null : gemms.For(n, h, inter, CudaDataType.R32F, accumulate: true);

        kernels.Embed.Launch(M(step.TokenIds), M(step.ImageSources), weights.Embedding, residual, n, h, stream);
        for (int l = 0; l < _c.NumLayers; l++)
        {
            var w = weights.Layout.Layers[l];
            ulong keys = kvCache + (ulong)kv.Offset(l, value: false, kvBlocks);
            ulong values = kvCache + (ulong)kv.Offset(l, value: true, kvBlocks);
            if (gemv)
            {
                kernels.Gemv.Launch(normed, weights.At(w.Qkv), qkv, n, qkvWidth, h, accumulate: false, stream,
                    new NormedInput(residual, weights.At(w.InputNorm), eps));
            }
            else
            {
                kernels.RmsNorm.Launch(residual, weights.At(w.InputNorm), normed, 0, n, h, eps, stream);
                qkvGemm!.Run(normed, weights.At(w.Qkv), qkv, workspace, workspaceBytes, stream);
            }
            kernels.QkvRopeCache.Launch(qkv, weights.At(w.QkvBias), M(step.Positions), M(step.Slots), weights.InverseFrequency,
                query, keys, values, n, _rope, stream);
            if (decodeSplits > 0)
                kernels.DecodeAttention.Launch(query, keys, values, attention, partials, M(step.Sequences), M(step.BlockTables),
                    step.SequenceCount, decodeSplits, kv.BlockSize, _c.NumHeads, _c.NumKvHeads, stream);
            else
                kernels.Attention.Launch(query, keys, values, attention, M(step.Sequences), M(step.BlockTables), M(step.Tiles), step.TileCount,
                    kv.BlockSize, _c.NumHeads, _c.NumKvHeads, stream);
            if (gemv) kernels.Gemv.Launch(attention, weights.At(w.O), residual, n, h, q, accumulate: true, stream);
            else oGemm!.Run(attention, weights.At(w.O), residual, workspace, workspaceBytes, stream);
            if (gemv)
            {
                kernels.Gemv.LaunchSiluGateUp(normed, weights.At(w.GateUp), activated, n, inter, h, stream,
                    new NormedInput(residual, weights.At(w.PostAttentionNorm), eps));
                kernels.Gemv.Launch(activated, weights.At(w.Down), residual, n, h, inter, accumulate: true, stream);
                continue;
            }
            kernels.RmsNorm.Launch(residual, weights.At(w.PostAttentionNorm), normed, 0, n, h, eps, stream);
            gateUpGemm!.Run(normed, weights.At(w.GateUp), gateUp, workspace, workspaceBytes, stream);
            kernels.SiluMul.Launch(gateUp, activated, n, inter, stream);
            downGemm!.Run(activated, weights.At(w.Down), residual, workspace, workspaceBytes, stream);
        }
        int rows = step.SampleRowCount;
        if (rows == 0) return;
        ulong finalRows = A(layout.FinalRows);
        kernels.RmsNorm.Launch(residual, weights.FinalNorm, finalRows, M(step.SampleRows), rows, h, eps, stream);
        gemms.For(rows, _c.VocabSize, h, CudaDataType.R32F, accumulate: false)
            .Run(finalRows, weights.LmHead, Logits, workspace, workspaceBytes, stream);
    }
}
