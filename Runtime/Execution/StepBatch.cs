using QwenVL.Runtime.Sampling;

namespace QwenVL.Runtime.Execution;

/// <summary>
/// One forward step: a chunk of tokens for each scheduled sequence. Before the step the executor runs
/// the vision tower over <paramref name="Encode"/> and keeps the embeddings until a step lists their
/// key in <paramref name="Release"/> (after it ran): the scheduler decides what the encoder cache holds.
/// </summary>
public sealed record StepBatch(
    IReadOnlyList<SequenceStep> Sequences,
    IReadOnlyList<ImageToEncode>? Encode = null,
    IReadOnlyList<ImageKey>? Release = null)
{
    public int TokenCount
    {
        get
        {
            int n = 0;
            foreach (var s in Sequences) n += s.TokenIds.Length;
            return n;
        }
    }
}

/// <summary>
/// One sequence's part of a step. Its tokens occupy absolute positions
/// [ContextLength, ContextLength + TokenIds.Length) in the KV cache, addressed through BlockTable.
/// Positions holds the M-RoPE ids plane-major: t[0..n), then h[0..n), then w[0..n).
/// Sampling is null for a prefill chunk that is not the prompt's last. Images lists the image
/// embeddings that stand in for this chunk's &lt;|image_pad|&gt; tokens (empty for text).
/// </summary>
public sealed record SequenceStep(
    long SequenceId,
    int[] TokenIds,
    int[] Positions,
    int[] BlockTable,
    int ContextLength,
    SamplingContext? Sampling,
    IReadOnlyList<ImageSlice>? Images = null)
{
    public int EndPosition => ContextLength + TokenIds.Length;
}
