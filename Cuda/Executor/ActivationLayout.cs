using QwenVL.Cuda.Kernels;
using QwenVL.Cuda.Memory;
using QwenVL.Runtime.Model;

namespace QwenVL.Cuda.Executor;

/// <summary>
/// The per-step buffers of the forward pass, planned once for the largest step (<c>maxTokens</c> tokens,
/// <c>maxSampleRows</c> rows reaching the lm_head) in one device block, so no step allocates:
/// <list type="bullet">
/// <item>Residual [T, hidden] fp32: the residual stream; o_proj and down_proj add themselves into it.</item>
/// <item>Normed [T, hidden] bf16: RMSNorm output, the input of QKV and GATE_UP.</item>
/// <item>Qkv [T, qkv] fp32: QKV matmul output before bias and rotation.</item>
/// <item>Query [T, heads·head_dim] bf16: rotated q; Attention [T, heads·head_dim] bf16: attention output.</item>
/// <item>GateUp [T, 2·inter] bf16; Activated [T, inter] bf16.</item>
/// <item>FinalRows [S, hidden] bf16: the final norm of the rows that sample; Logits [S, vocab] fp32.</item>
/// <item>DecodePartials [S, heads, splits, head_dim + 2] fp32: split-K decode attention's partial results.</item>
/// <item>Workspace: cuBLASLt's; Metadata: the step's packed metadata (see <see cref="StepMetadata"/>).</item>
/// </list>
/// </summary>
public sealed record ActivationLayout(
    long Residual, long Normed, long Qkv, long Query, long Attention, long GateUp, long Activated,
    long FinalRows, long Logits, long DecodePartials, long Workspace, long Metadata, long Bytes)
{
    public static ActivationLayout Plan(TextConfig c, int maxTokens, int maxSampleRows, long metadataBytes, long workspaceBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSampleRows, 1);
        long t = maxTokens, h = c.HiddenSize, inter = c.IntermediateSize;
        long q = (long)c.NumHeads * c.HeadDim, qkv = q + 2L * c.NumKvHeads * c.HeadDim;
        var arena = new DeviceArena(long.MaxValue);
        return new ActivationLayout(
            Residual: arena.Allocate(t * h * 4),
            Normed: arena.Allocate(t * h * 2),
            Qkv: arena.Allocate(t * qkv * 4),
            Query: arena.Allocate(t * q * 2),
            Attention: arena.Allocate(t * q * 2),
            GateUp: arena.Allocate(t * 2 * inter * 2),
            Activated: arena.Allocate(t * inter * 2),
            FinalRows: arena.Allocate(maxSampleRows * h * 2),
            Logits: arena.Allocate(maxSampleRows * (long)c.VocabSize * 4),
            DecodePartials: arena.Allocate(DecodeAttentionMmaKernel.PartialsBytes(maxSampleRows, c.NumHeads, c.HeadDim)),
            Workspace: arena.Allocate(workspaceBytes),
            Metadata: arena.Allocate(metadataBytes),
            Bytes: arena.Used);
    }
}
