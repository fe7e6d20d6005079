using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Positions;

namespace QwenVL.Bench.Profile;

/// <summary>A synthetic sequence of the profile sweep: its own blocks, and the context already in them.</summary>
public sealed record ProfileSequence(long Id, int[] BlockTable, int Context);

/// <summary>
/// Hands out the sweep's sequences, each with blocks no other sequence holds (sharing blocks would let attention
/// read one context from cache for many sequences and flatter its cost), then fills their contexts with real
/// prefill steps: the timed steps' attention must read KV the model wrote, since a device cache starts as
/// whatever the memory held, and that may not even be a number.
/// </summary>
public sealed class ProfileSequences(int blockSize)
{
    private readonly List<ProfileSequence> _sequences = [];
    private int _blocks;

    /// <summary>Blocks handed out so far: the KV cache the sweep needs.</summary>
    public int Blocks => _blocks;

    /// <summary>A new sequence with blocks for <paramref name="capacity"/> tokens, of which the first <paramref name="context"/> will be filled.</summary>
    public ProfileSequence Add(int context, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(context, capacity);
        int count = (capacity + blockSize - 1) / blockSize;
        var sequence = new ProfileSequence(_sequences.Count, Enumerable.Range(_blocks, count).ToArray(), context);
        _blocks += count;
        _sequences.Add(sequence);
        return sequence;
    }

    /// <summary>Prefills every sequence's context, in chunks of at most <paramref name="maxTokensPerStep"/>, sampling nothing.</summary>
    public void Fill(IModelExecutor executor, int maxTokensPerStep, Func<int, int[]> tokens)
    {
        foreach (var sequence in _sequences)
        {
            for (int start = 0; start < sequence.Context; start += maxTokensPerStep)
            {
                int n = Math.Min(maxTokensPerStep, sequence.Context - start);
                executor.Execute(new StepBatch([new SequenceStep(sequence.Id, tokens(n), MRopePositions.ForText(start, n), sequence.BlockTable, start, null)]));
            }
        }
    }
}
