using QwenVL.Bench.CostModel;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Bench.Simulation;

/// <summary>
/// An executor that does no math: each step checks what a real executor would refuse (a KV cache not allocated,
/// positions past a block table, blocks outside the cache, images not encoded), picks every sampled token from
/// <c>tokenIds</c> as a hash of (seed, sequence, end position), and reports through <see cref="LastStepDuration"/>
/// how long the step would have taken on the profiled hardware. Scheduling simulations drive it in virtual time.
/// </summary>
/// <remarks>
/// The token hash makes runs repeat exactly and gives different sequences different text, while a sequence
/// resumed after preemption draws the same tokens again, as with a seeded real sampler. Logprobs, when asked, say
/// the sampled token was certain (0) and every other listed one impossible.
/// </remarks>
public sealed class SimulatedExecutor : IModelExecutor, IModelledStepDuration
{
    /// <summary>What vLLM writes for a log-probability of −∞ in its responses; JSON has no infinity.</summary>
    public const float ImpossibleLogprob = -9999f;

    private readonly StepCostProfile _profile;
    private readonly int[] _tokenIds;
    private readonly ulong _seed;
    private readonly HashSet<ImageKey> _images = new();
    private int _kvBlocks;

    public SimulatedExecutor(ModelSpec spec, StepCostProfile profile, int seed, IReadOnlyList<int> tokenIds)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(tokenIds);
        profile.Validate();
        if (tokenIds.Count == 0) throw new ArgumentException("the simulated executor needs at least one token id to sample from", nameof(tokenIds));
        foreach (int id in tokenIds)
        {
            if ((uint)id >= (uint)spec.VocabSize)
                throw new ArgumentException($"token id {id} is outside the model's vocabulary of {spec.VocabSize}", nameof(tokenIds));
        }
        Spec = spec;
        _profile = profile;
        _tokenIds = tokenIds.ToArray();
        _seed = SamplingRandom.Bits((ulong)seed, 0);
        KvCacheBytesPerBlock = profile.KvBlockBytes > 0
            // A block's bytes grow with its tokens, so a profile measured at another block size still sizes the cache.
            ? Math.Max(1, profile.KvBlockBytes * spec.BlockSize / profile.BlockSize)
            : Bf16BytesPerBlock(spec);
    }

    public ModelSpec Spec { get; }

    public long KvCacheBytesPerBlock { get; }

    public int CachedImageCount => _images.Count;

    public TimeSpan LastStepDuration { get; private set; }

    /// <summary>How many blocks <see cref="AllocateKvCache"/> reserved; 0 before it.</summary>
    public int KvBlocks => _kvBlocks;

    /// <summary>Bytes of one block of the CUDA executor's bf16 cache: K and V, every layer, KV head and slot.</summary>
    public static long Bf16BytesPerBlock(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var c = spec.Text;
        return 2L * c.NumLayers * c.NumKvHeads * c.HeadDim * spec.BlockSize * sizeof(ushort);
    }

    public int AllocateKvCache(long bytes)
    {
        int blocks = (int)Math.Min(int.MaxValue, bytes / KvCacheBytesPerBlock);
        if (blocks < 1) throw new ArgumentException($"{bytes} bytes hold no KV block ({KvCacheBytesPerBlock} bytes each)");
        _kvBlocks = blocks;
        return blocks;
    }

    public StepResult Execute(StepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var sequences = batch.Sequences;
        if (sequences.Count > 0 && _kvBlocks == 0) throw new InvalidOperationException("AllocateKvCache has not been called");
        var encode = batch.Encode;
        for (int i = 0; i < (encode?.Count ?? 0); i++) _images.Add(encode![i].Key);
        var tokens = new SampledToken?[sequences.Count];
        for (int i = 0; i < sequences.Count; i++)
        {
            var step = sequences[i];
            CheckBlocks(step);
            CheckImages(step);
            if (step.Sampling is { } sampling) tokens[i] = Sample(step, sampling.Params);
        }
        var release = batch.Release;
        for (int i = 0; i < (release?.Count ?? 0); i++) _images.Remove(release![i]);
        LastStepDuration = StepCost.Duration(_profile, batch);
        return new StepResult(tokens);
    }

    /// <summary>The real executors write and read every position through the block table; they refuse what it does not cover.</summary>
    private void CheckBlocks(SequenceStep step)
    {
        int last = step.EndPosition - 1, blockSize = Spec.BlockSize;
        if (last / blockSize >= step.BlockTable.Length)
            throw new ArgumentException($"position {last} is past the block table ({step.BlockTable.Length} blocks of {blockSize})");
        for (int b = 0; b <= last / blockSize; b++)
        {
            int block = step.BlockTable[b];
            if ((uint)block >= (uint)_kvBlocks) throw new ArgumentException($"block {block} is outside the cache of {_kvBlocks} blocks");
        }
    }

    private void CheckImages(SequenceStep step)
    {
        var images = step.Images;
        for (int i = 0; i < (images?.Count ?? 0); i++)
        {
            var key = images![i].Key;
            if (!_images.Contains(key)) throw new ArgumentException($"image {key} was not encoded (or was released) before the step that uses it");
        }
    }

    private SampledToken Sample(SequenceStep step, SamplingParams parameters)
    {
        ulong bits = SamplingRandom.Bits(_seed ^ (ulong)step.SequenceId, step.EndPosition);
        int index = (int)(bits % (ulong)_tokenIds.Length);
        int token = _tokenIds[index];
        return new SampledToken(token, 0f, parameters.Logprobs ? TopLogprobs(token, index, parameters.TopLogprobs) : null);
    }

    /// <summary>
    /// As many entries as were asked, highest first, as the real sampler gives: the sampled token, then other ids of
    /// the list (padded with the vocabulary's first ids where it has too few distinct ones).
    /// </summary>
    private TopLogprob[] TopLogprobs(int token, int index, int count)
    {
        var top = new TopLogprob[count];
        if (count == 0) return top;
        top[0] = new TopLogprob(token, 0f);
        int filled = 1;
        for (int j = 1; j < _tokenIds.Length && filled < count; j++)
        {
            int id = _tokenIds[(index + j) % _tokenIds.Length];
            if (!Listed(top, filled, id)) top[filled++] = new TopLogprob(id, ImpossibleLogprob);
        }
        for (int id = 0; filled < count && id < Spec.VocabSize; id++)
        {
            if (!Listed(top, filled, id)) top[filled++] = new TopLogprob(id, ImpossibleLogprob);
        }
        return top;
    }

    private static bool Listed(TopLogprob[] top, int filled, int id)
    {
        for (int i = 0; i < filled; i++)
        {
            if (top[i].TokenId == id) return true;
        }
        return false;
    }

    public void Dispose()
    {
        _images.Clear();
        _kvBlocks = 0;
    }
}
