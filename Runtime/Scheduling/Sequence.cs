using System.Runtime.InteropServices;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Runtime.Scheduling;

/// <summary>
/// One sequence's scheduling state: its tokens (prompt, then output), how many of them are in the KV
/// cache (<see cref="Computed"/>), its block table, the hashes of its full blocks and the images it
/// holds in the encoder cache. A step computes tokens [Computed, Computed + n).
/// </summary>
internal sealed class Sequence
{
    private int[] _output;
    private readonly List<BlockHash> _hashes = new();
    private int[]? _tableArray;

    public Sequence(SequenceRequest request)
    {
        Request = request;
        ImageKeys = request.Images.Select(i => i.Key).ToArray();
        HeldImages = new bool[ImageKeys.Length];
        _output = new int[Math.Min(request.MaxTokens, 64)];
        if (request.Grammar is { } grammar) Constraint = new SequenceConstraint(grammar, request.StopTokenIds);
    }

    public SequenceRequest Request { get; }
    public SequenceId Id => Request.Id;
    public PromptInput Prompt => Request.Prompt;
    public ImageKey[] ImageKeys { get; }

    /// <summary>The grammar every output token is checked against, or null for free text.</summary>
    public SequenceConstraint? Constraint { get; }

    /// <summary>Which of the prompt's images this sequence holds a reference to in the encoder cache.</summary>
    public bool[] HeldImages { get; }

    public SequenceStatus Status { get; set; } = SequenceStatus.Waiting;
    public int Computed { get; set; }

    /// <summary>Append-only while the sequence runs; emptied all at once by <see cref="FreeBlocks"/>.</summary>
    public List<int> Blocks { get; } = new();

    public int? CachedPromptTokens { get; set; }
    public LinkedListNode<Sequence>? WaitingNode { get; set; }

    public int PromptLength => Prompt.Tokens.Length;
    public int OutputCount { get; private set; }
    public int TokenCount => PromptLength + OutputCount;

    /// <summary>
    /// The output so far, over the growing buffer: a step's sampling context reads it before
    /// <see cref="Append"/> runs again, and appending never changes the part already handed out.
    /// </summary>
    public ReadOnlyMemory<int> Output => _output.AsMemory(0, OutputCount);

    public int TokenAt(int index) => index < PromptLength ? Prompt.Tokens[index] : _output[index - PromptLength];

    public void Append(int token)
    {
        if (OutputCount == _output.Length) Array.Resize(ref _output, Math.Min(Request.MaxTokens, 2 * _output.Length));
        _output[OutputCount++] = token;
        // Recomputation after preemption never samples these again: the matcher moves once per output token.
        Constraint?.Accept(token);
    }

    /// <summary>Gives every block back at once (preempted or finished); the next table starts empty.</summary>
    public void FreeBlocks(BlockAllocator blocks)
    {
        blocks.Free(Blocks);
        _tableArray = null;
    }

    /// <summary>The block table as the executor takes it; rebuilt only when the table grew (it is append-only).</summary>
    public int[] BlockTableArray()
    {
        // Between FreeBlocks calls the table only grows, so an array of the same length is still current.
        if (_tableArray == null || _tableArray.Length != Blocks.Count) _tableArray = Blocks.ToArray();
        return _tableArray;
    }

    /// <summary>The hashes of the first <paramref name="fullBlocks"/> blocks, computed as tokens become known.</summary>
    public IReadOnlyList<BlockHash> BlockHashes(int fullBlocks, int blockSize)
    {
        if (_hashes.Count >= fullBlocks) return _hashes;
        Span<int> tokens = blockSize <= 256 ? stackalloc int[blockSize] : new int[blockSize];
        var images = new List<ImageKey>();
        while (_hashes.Count < fullBlocks)
        {
            int start = _hashes.Count * blockSize, end = start + blockSize;
            if (end > TokenCount) throw new InvalidOperationException($"block {_hashes.Count} is not full yet");
            for (int i = 0; i < blockSize; i++) tokens[i] = TokenAt(start + i);
            images.Clear();
            foreach (var span in Prompt.Images)
                if (span.Start < end && span.End > start) images.Add(ImageKeys[span.Image]);
            BlockHash? previous = _hashes.Count == 0 ? null : _hashes[^1];
            _hashes.Add(BlockHash.Of(previous, tokens, CollectionsMarshal.AsSpan(images)));
        }
        return _hashes;
    }

    /// <summary>The executor's view of tokens [Computed, Computed + count): ids, M-RoPE positions, image rows, sampling.</summary>
    public SequenceStep Step(int count)
    {
        int start = Computed, promptLength = PromptLength;
        var tokens = new int[count];
        var positions = new int[3 * count];
        for (int j = 0; j < count; j++)
        {
            int i = start + j;
            tokens[j] = TokenAt(i);
            if (i < promptLength)
            {
                for (int p = 0; p < 3; p++) positions[p * count + j] = Prompt.Positions[p * promptLength + i];
            }
            else
            {
                // Generated tokens continue as text after the prompt's largest position.
                positions[j] = positions[count + j] = positions[2 * count + j] = i + Prompt.RopeDelta;
            }
        }
        var images = start < promptLength ? Prompt.ImageSlicesFor(start, Math.Min(count, promptLength - start), ImageKeys) : null;
        SamplingContext? sampling = start + count == TokenCount
            ? new SamplingContext(Request.Params, Prompt.Tokens, Output, Request.Seed, Request.StopTokenIds,
                Constraint?.Fill(Request.MaxTokens - OutputCount) ?? default)
            : null;
        return new SequenceStep(Id.Value, tokens, positions, BlockTableArray(), start, sampling, images is { Count: > 0 } ? images : null);
    }

    /// <summary>The status a freshly sampled token leaves the sequence in: still running, or why it finished.</summary>
    public SequenceStatus StatusAfterToken(int token, int maxModelLength)
    {
        // The sampler keeps stop tokens out while the output is shorter than min_tokens; check anyway.
        // A grammar whose output is complete allows only a stop token, min_tokens or not (the sampler lets it through).
        bool mayStop = OutputCount >= Request.Params.MinTokens || Constraint is { IsTerminated: true };
        if (mayStop && Array.IndexOf(Request.StopTokenIds, token) >= 0)
            return SequenceStatus.FinishedStopped;
        if (OutputCount >= Request.MaxTokens || TokenCount >= maxModelLength) return SequenceStatus.FinishedLength;
        return SequenceStatus.Running;
    }
}
