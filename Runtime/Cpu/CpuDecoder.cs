using System.Numerics.Tensors;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;

namespace QwenVL.Runtime.Cpu;

/// <summary>
/// The Qwen2 decoder of Qwen2-VL in float32: all tokens of a step go through each matmul together,
/// attention runs per sequence over the paged cache.
/// </summary>
public sealed class CpuDecoder
{
    private readonly CpuWeights _w;
    private readonly TextConfig _c;
    private readonly MRopeRotary _rope;

    public CpuDecoder(CpuWeights weights)
    {
        _w = weights;
        _c = weights.Config;
        _rope = new MRopeRotary(_c);
    }

    /// <summary>
    /// Runs the step and returns the final hidden state (after the last norm) of the last token of
    /// each sequence, [sequences, hidden]. When <paramref name="trace"/> is given, it receives for
    /// the last token of the first sequence the hidden state entering each layer and the final one,
    /// as transformers' output_hidden_states reports them.
    /// </summary>
    public float[] Forward(StepBatch batch, CpuKvCache cache, Func<ImageKey, ImageEmbeddings> images, List<float[]>? trace = null)
    {
        int n = batch.TokenCount, h = _c.HiddenSize;
        var x = Embed(batch, images);
        int traceRow = batch.Sequences[0].TokenIds.Length - 1;
        var scratch = new LayerScratch(n, _c);
        for (int l = 0; l < _w.Layers.Length; l++)
        {
            trace?.Add(x.AsSpan(traceRow * h, h).ToArray());
            RunLayer(l, batch, cache, x, scratch);
        }
        var last = GatherLastTokens(batch, x);
        CpuNorms.RmsNorm(last, _w.FinalNorm, (float)_c.RmsNormEps, last);
        trace?.Add(last.AsSpan(0, h).ToArray());
        return last;
    }

    /// <summary>logits[rows, vocab] = hidden[rows, hidden]·lm_headᵀ.</summary>
    public float[] Logits(float[] hidden, int rows)
    {
        var logits = new float[(long)rows * _c.VocabSize];
        _w.LmHead.Forward(hidden, rows, logits);
        return logits;
    }

    private float[] Embed(StepBatch batch, Func<ImageKey, ImageEmbeddings> images)
    {
        int h = _c.HiddenSize, row = 0;
        var x = new float[batch.TokenCount * h];
        foreach (var s in batch.Sequences)
        {
            foreach (var id in s.TokenIds)
            {
                if ((uint)id >= (uint)_c.VocabSize) throw new ArgumentException($"token id {id} is outside the vocabulary of {_c.VocabSize}");
                Array.Copy(_w.Embedding, (long)id * h, x, (long)row * h, h);
                row++;
            }
            SpliceImages(s, x, row - s.TokenIds.Length, images);
        }
        return x;
    }

    /// <summary>Image embeddings take the place of the &lt;|image_pad|&gt; tokens' embeddings.</summary>
    private void SpliceImages(SequenceStep s, float[] x, int firstRow, Func<ImageKey, ImageEmbeddings> images)
    {
        if (s.Images == null) return;
        int h = _c.HiddenSize;
        foreach (var slice in s.Images)
        {
            var embeddings = images(slice.Key);
            if (embeddings.Width != h) throw new ArgumentException($"image embeddings are {embeddings.Width} wide, the model's hidden size is {h}");
            if (slice.StepOffset < 0 || slice.StepOffset + slice.Rows > s.TokenIds.Length || slice.FirstRow + slice.Rows > embeddings.Tokens)
                throw new ArgumentException($"image slice at {slice.StepOffset}+{slice.Rows} does not fit the step of {s.TokenIds.Length} tokens");
            Array.Copy(embeddings.Values, (long)slice.FirstRow * h, x, (long)(firstRow + slice.StepOffset) * h, (long)slice.Rows * h);
        }
    }

    private void RunLayer(int l, StepBatch batch, CpuKvCache cache, float[] x, LayerScratch s)
    {
        var w = _w.Layers[l];
        int n = batch.TokenCount;
        float eps = (float)_c.RmsNormEps;
        CpuNorms.RmsNorm(x, w.InputNorm, eps, s.Normed);
        w.Qkv.Forward(s.Normed, n, s.Qkv);
        int row = 0;
        foreach (var seq in batch.Sequences)
        {
            RotateAndCache(l, seq, row, cache, s);
            CpuAttention.Run(cache, l, seq.BlockTable, seq.ContextLength, seq.TokenIds.Length,
                s.Qkv, row * s.QkvWidth, s.QkvWidth, _c.NumHeads, s.Attention, row * s.QWidth);
            row += seq.TokenIds.Length;
        }
        w.O.Forward(s.Attention, n, s.Projected);
        TensorPrimitives.Add(x, s.Projected, x);
        CpuNorms.RmsNorm(x, w.PostAttentionNorm, eps, s.Normed);
        w.GateUp.Forward(s.Normed, n, s.GateUp);
        SwiGlu(s.GateUp, n, _c.IntermediateSize, s.Activated);
        w.Down.Forward(s.Activated, n, s.Projected);
        TensorPrimitives.Add(x, s.Projected, x);
    }

    /// <summary>Applies M-RoPE to the chunk's q and k, then writes k and v into the sequence's cache slots.</summary>
    private void RotateAndCache(int layer, SequenceStep seq, int firstRow, CpuKvCache cache, LayerScratch s)
    {
        int count = seq.TokenIds.Length, hd = _c.HeadDim, kvWidth = cache.SlotWidth;
        Span<float> cos = stackalloc float[hd / 2];
        Span<float> sin = stackalloc float[hd / 2];
        for (int t = 0; t < count; t++)
        {
            _rope.Angles(seq.Positions[t], seq.Positions[count + t], seq.Positions[2 * count + t], cos, sin);
            var qkv = s.Qkv.AsSpan((firstRow + t) * s.QkvWidth, s.QkvWidth);
            for (int head = 0; head < _c.NumHeads + _c.NumKvHeads; head++)
                _rope.Apply(qkv.Slice(head * hd, hd), cos, sin);
            int slot = cache.SlotOffset(seq.BlockTable, seq.ContextLength + t);
            qkv.Slice(s.QWidth, kvWidth).CopyTo(cache.Keys(layer).AsSpan(slot, kvWidth));
            qkv.Slice(s.QWidth + kvWidth, kvWidth).CopyTo(cache.Values(layer).AsSpan(slot, kvWidth));
        }
    }

    private static void SwiGlu(float[] gateUp, int rows, int inter, float[] result)
    {
        for (int r = 0; r < rows; r++)
        {
            var gate = gateUp.AsSpan(r * 2 * inter, inter);
            var up = gateUp.AsSpan(r * 2 * inter + inter, inter);
            var dst = result.AsSpan(r * inter, inter);
            for (int i = 0; i < inter; i++)
            {
                float g = gate[i];
                dst[i] = g / (1f + MathF.Exp(-g)) * up[i];
            }
        }
    }

    private float[] GatherLastTokens(StepBatch batch, float[] x)
    {
        int h = _c.HiddenSize, row = 0, i = 0;
        var last = new float[batch.Sequences.Count * h];
        foreach (var seq in batch.Sequences)
        {
            row += seq.TokenIds.Length;
            Array.Copy(x, (row - 1) * h, last, i++ * h, h);
        }
        return last;
    }

    /// <summary>Per-step activation buffers, sized for the step's token count.</summary>
    private sealed class LayerScratch(int tokens, TextConfig c)
    {
        public readonly int QWidth = c.NumHeads * c.HeadDim;
        public readonly int QkvWidth = (c.NumHeads + 2 * c.NumKvHeads) * c.HeadDim;
        public readonly float[] Normed = new float[tokens * c.HiddenSize];
        public readonly float[] Qkv = new float[tokens * (c.NumHeads + 2 * c.NumKvHeads) * c.HeadDim];
        public readonly float[] Attention = new float[tokens * c.NumHeads * c.HeadDim];
        public readonly float[] Projected = new float[tokens * c.HiddenSize];
        public readonly float[] GateUp = new float[tokens * 2 * c.IntermediateSize];
        public readonly float[] Activated = new float[tokens * c.IntermediateSize];
    }
}
