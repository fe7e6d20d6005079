using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Tests.Scheduling;

/// <summary>
/// Stands in for the model in policy tests. It keeps a shadow KV cache that records what each slot
/// holds (a token id, or an image's row), and checks every step against what it knows of each sequence:
/// the chunk's tokens, positions and image rows, and that the context the block table points at holds
/// exactly the sequence's earlier tokens — so a wrong prefix-cache hit or a reused block shows up as a
/// failure. Sampled tokens come from <see cref="NextToken"/>(sequence id, output index).
/// </summary>
internal sealed class FakeExecutor
{
    private readonly record struct Slot(int Token, ImageKey? Image, int Row);

    private sealed class Known(SequenceRequest request)
    {
        public SequenceRequest Request { get; } = request;
        public List<int> Output { get; } = new();
        public int Count => Request.Prompt.Tokens.Length + Output.Count;
    }

    private readonly int _blockSize;
    private readonly Slot?[] _slots;
    private readonly Dictionary<long, Known> _sequences = new();
    private readonly HashSet<ImageKey> _images = new();

    public FakeExecutor(int blocks, int blockSize)
    {
        _blockSize = blockSize;
        _slots = new Slot?[blocks * blockSize];
    }

    public Func<long, int, int> NextToken { get; set; } = (id, k) => 1000 + (int)(id * 31 + k * 7) % 5000;
    public int CachedImageCount => _images.Count;
    public Dictionary<ImageKey, int> EncodeCounts { get; } = new();
    public List<StepBatch> Batches { get; } = new();

    /// <summary>Tells the fake about a sequence before it is scheduled.</summary>
    public void Expect(SequenceRequest request) => _sequences[request.Id.Value] = new Known(request);

    public IReadOnlyList<int> OutputOf(long id) => _sequences[id].Output;

    public StepResult Execute(StepBatch batch)
    {
        Batches.Add(batch);
        foreach (var image in batch.Encode ?? [])
        {
            EncodeCounts[image.Key] = EncodeCounts.GetValueOrDefault(image.Key) + 1;
            _images.Add(image.Key);
        }
        var tokens = new SampledToken?[batch.Sequences.Count];
        for (int i = 0; i < batch.Sequences.Count; i++)
        {
            var step = batch.Sequences[i];
            var known = _sequences[step.SequenceId];
            CheckChunk(step, known);
            CheckContext(step, known);
            for (int j = 0; j < step.TokenIds.Length; j++)
                _slots[SlotOf(step.BlockTable, step.ContextLength + j)] = Expected(known, step.ContextLength + j);
            if (step.Sampling is { } sampling)
            {
                if (step.EndPosition != known.Count) throw new InvalidOperationException($"sequence {step.SequenceId} samples before its last token");
                if (!sampling.OutputTokens.Span.SequenceEqual(known.Output.ToArray()))
                    throw new InvalidOperationException($"sequence {step.SequenceId}'s sampling context has the wrong output");
                int token = NextToken(step.SequenceId, known.Output.Count);
                known.Output.Add(token);
                tokens[i] = new SampledToken(token, -1f, null);
            }
        }
        foreach (var key in batch.Release ?? []) _images.Remove(key);
        return new StepResult(tokens);
    }

    private void CheckChunk(SequenceStep step, Known known)
    {
        var prompt = known.Request.Prompt;
        int n = step.TokenIds.Length, p = prompt.Tokens.Length;
        if (n == 0) throw new InvalidOperationException($"sequence {step.SequenceId} has an empty chunk");
        if (step.BlockTable.Length * _blockSize < step.EndPosition)
            throw new InvalidOperationException($"sequence {step.SequenceId}'s block table is too short for {step.EndPosition} tokens");
        for (int j = 0; j < n; j++)
        {
            int i = step.ContextLength + j;
            int token = i < p ? prompt.Tokens[i] : known.Output[i - p];
            if (step.TokenIds[j] != token) throw new InvalidOperationException($"sequence {step.SequenceId} token {i} is {step.TokenIds[j]}, expected {token}");
            for (int plane = 0; plane < 3; plane++)
            {
                int expected = i < p ? prompt.Positions[plane * p + i] : i + prompt.RopeDelta;
                if (step.Positions[plane * n + j] != expected)
                    throw new InvalidOperationException($"sequence {step.SequenceId} token {i} plane {plane} has position {step.Positions[plane * n + j]}, expected {expected}");
            }
        }
        var keys = known.Request.Images.Select(im => im.Key).ToArray();
        var expectedSlices = step.ContextLength < p ? prompt.ImageSlicesFor(step.ContextLength, Math.Min(n, p - step.ContextLength), keys) : [];
        var slices = step.Images ?? [];
        if (!slices.SequenceEqual(expectedSlices)) throw new InvalidOperationException($"sequence {step.SequenceId} has the wrong image slices");
        foreach (var slice in slices)
            if (!_images.Contains(slice.Key)) throw new InvalidOperationException($"image {slice.Key} is used but not encoded");
    }

    private void CheckContext(SequenceStep step, Known known)
    {
        for (int i = 0; i < step.ContextLength; i++)
        {
            var held = _slots[SlotOf(step.BlockTable, i)];
            if (held != Expected(known, i))
                throw new InvalidOperationException($"sequence {step.SequenceId} reads {held} at position {i}, expected {Expected(known, i)}");
        }
    }

    private static Slot Expected(Known known, int i)
    {
        var prompt = known.Request.Prompt;
        if (i >= prompt.Tokens.Length) return new Slot(known.Output[i - prompt.Tokens.Length], null, 0);
        foreach (var span in prompt.Images)
            if (i >= span.Start && i < span.End) return new Slot(prompt.Tokens[i], known.Request.Images[span.Image].Key, i - span.Start);
        return new Slot(prompt.Tokens[i], null, 0);
    }

    private int SlotOf(int[] table, int position) => table[position / _blockSize] * _blockSize + position % _blockSize;
}
