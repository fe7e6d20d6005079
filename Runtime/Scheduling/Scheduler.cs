using QwenVL.Runtime.Execution;

namespace QwenVL.Runtime.Scheduling;

/// <summary>
/// Decides what each model step computes, in vLLM v1's way: a step spends one token budget, running
/// sequences first (a decode is one token, a running prefill gets its next chunk), then waiting ones in
/// arrival order while budget remains, each prefill chunked to what is left. Every sequence counts its
/// computed tokens and catches up toward its token count, which covers chunked prefill, prefix caching
/// and recomputation after preemption with one rule. Not thread-safe: one owner calls it, and hands each
/// batch from <see cref="Schedule"/> back to <see cref="Update"/> (or calls <see cref="FailAll"/>) before
/// scheduling again.
/// </summary>
/// <remarks>
/// Prefix-cache blocks are registered when the step that writes them is scheduled, as vLLM does, so a
/// sequence admitted later in the same step may reuse them (n &gt; 1 choices share their prompt at once).
/// This relies on executors writing each sequence's KV for a layer before a later sequence of the batch
/// attends over it at that layer, which CpuExecutor does (sequences in batch order).
/// </remarks>
public sealed class Scheduler
{
    private readonly SchedulerConfig _config;
    private readonly BlockAllocator _blocks;
    private readonly EncoderCache _images = new();
    private readonly Dictionary<SequenceId, Sequence> _live = new();   // every unfinished sequence
    private readonly LinkedList<Sequence> _waiting = new();            // arrival order; preempted ones go first
    private readonly List<Sequence> _running = new();                  // admission order: the last is the newest
    private readonly List<int> _hits = new();
    private StepBatch? _inFlight;
    private long _preemptions, _prefixQueries, _prefixHits, _promptTokens, _generationTokens, _steps;
    private int _peakBlocksInUse, _preemptedWaiting;

    public Scheduler(SchedulerConfig config)
    {
        config.Validate();
        _config = config;
        _blocks = new BlockAllocator(config.NumBlocks, config.BlockSize);
    }

    public SchedulerConfig Config => _config;
    public int FreeBlockCount => _blocks.FreeCount;
    public int TotalBlockCount => _blocks.TotalCount;

    /// <summary>Anything waiting or running, or image releases the executor has not been handed yet.</summary>
    public bool HasWork => _running.Count > 0 || _waiting.Count > 0 || _images.HasPendingReleases;

    /// <summary>What the step <see cref="Schedule"/> last returned spends its token budget on.</summary>
    public StepBudgetUse LastStep { get; private set; }

    /// <summary>Why <see cref="FailAll"/> was last called, if it was.</summary>
    public string? LastFailure { get; private set; }

    public SchedulerStats Stats => new(_running.Count, _waiting.Count, _preemptions,
        1.0 - (double)_blocks.FreeCount / _blocks.TotalCount, _prefixQueries, _prefixHits, _promptTokens, _generationTokens, _steps,
        _peakBlocksInUse, _preemptedWaiting, _blocks.TotalCount, _blocks.FreeCount);

    /// <summary>The sequence's status, or null once it has finished (or was never added).</summary>
    public SequenceStatus? StatusOf(SequenceId id) => _live.TryGetValue(id, out var s) ? s.Status : null;

    internal BlockAllocator Blocks => _blocks;
    internal int CachedImageEntries => _images.Count;

    public AddOutcome Add(SequenceRequest request)
    {
        int promptLength = request.Prompt.Tokens.Length;
        if (promptLength == 0) throw new ArgumentException($"sequence {request.Id} has an empty prompt");
        if (request.MaxTokens < 1) throw new ArgumentException($"sequence {request.Id} asks for {request.MaxTokens} tokens");
        if (request.Images.Count != request.Prompt.Images.Count)
            throw new ArgumentException($"sequence {request.Id}'s prompt has {request.Prompt.Images.Count} image(s) but {request.Images.Count} were given");
        if (_live.ContainsKey(request.Id)) throw new ArgumentException($"sequence {request.Id} is already scheduled");
        // The last sampled token is never fed back, so it needs no KV slot.
        if (promptLength >= _config.MaxModelLength || promptLength + request.MaxTokens > _config.MaxModelLength
            || _blocks.BlocksFor(promptLength + request.MaxTokens - 1) > _blocks.TotalCount)
            return AddOutcome.TooLong;
        if (_waiting.Count >= _config.MaxWaiting) return AddOutcome.QueueFull;
        var sequence = new Sequence(request);
        _live.Add(request.Id, sequence);
        sequence.WaitingNode = _waiting.AddLast(sequence);
        HoldImagesAhead(sequence);
        return AddOutcome.Accepted;
    }

    /// <summary>Finishes a sequence in any state, freeing its blocks and images; false if unknown or already finished.</summary>
    public bool Abort(SequenceId id)
    {
        if (!_live.TryGetValue(id, out var sequence)) return false;
        Finish(sequence, SequenceStatus.FinishedAborted);
        return true;
    }

    /// <summary>Finishes every unfinished sequence with an error (the engine failed a step); returns their ids.</summary>
    public IReadOnlyList<SequenceId> FailAll(string reason)
    {
        LastFailure = reason;
        var failed = _live.Values.OrderBy(s => s.Id.Value).ToArray();
        foreach (var sequence in failed) Finish(sequence, SequenceStatus.FinishedError);
        // The failed step may not have written the blocks it was given, so no cached contents are trusted.
        _blocks.ForgetCachedContents();
        _inFlight = null;
        return failed.Select(s => s.Id).ToArray();
    }

    /// <summary>
    /// The next step, or null when there is nothing to run. A step may hold no sequences when it only
    /// releases images; it still goes to the executor and back through <see cref="Update"/>.
    /// </summary>
    public StepBatch? Schedule()
    {
        if (_inFlight != null) throw new InvalidOperationException("the previous step has not been passed to Update");
        var plan = new StepPlan(_config.MaxNumBatchedTokens, _config.EncoderBudgetTokens);
        LastStep = new StepBudgetUse(0, 0, _config.MaxNumBatchedTokens);
        ScheduleRunning(plan);
        // As in vLLM: a step that had to preempt admits nobody, or it would take back the blocks it just freed.
        if (!plan.Preempted) ScheduleWaiting(plan);
        var release = _images.TakeReleases();
        if (plan.Steps.Count == 0 && release == null) return null;
        _steps++;
        // Blocks are only taken while scheduling, so the high-water mark is always reached here.
        _peakBlocksInUse = Math.Max(_peakBlocksInUse, _blocks.TotalCount - _blocks.FreeCount);
        _inFlight = new StepBatch(plan.Steps, plan.Encode.Count > 0 ? plan.Encode : null, release);
        return _inFlight;
    }

    private void ScheduleRunning(StepPlan plan)
    {
        int i = 0;
        while (i < _running.Count && plan.TokenBudget > 0)
        {
            var sequence = _running[i];
            // Keep one token for each running sequence after this one, so a long prefill never starves decodes.
            int reserved = _running.Count - i - 1;
            int count = FitImages(sequence, sequence.Computed, Math.Min(sequence.TokenCount - sequence.Computed, plan.TokenBudget - reserved), plan);
            if (count <= 0)
            {
                i++;
                continue;
            }
            int needed = _blocks.BlocksFor(sequence.Computed + count) - sequence.Blocks.Count;
            bool preemptedSelf = false;
            while (!_blocks.CanAllocate(needed))
            {
                var victim = _running[^1];
                Preempt(victim);
                plan.Preempted = true;
                if (victim == sequence)
                {
                    preemptedSelf = true;
                    break;
                }
            }
            if (preemptedSelf) continue;   // it was the last running sequence: the loop ends
            _blocks.Allocate(needed, sequence.Blocks);
            Commit(sequence, count, plan);
            i++;
        }
    }

    private void ScheduleWaiting(StepPlan plan)
    {
        int blockSize = _config.BlockSize;
        while (_waiting.First is { } node && plan.TokenBudget > 0 && _running.Count < _config.MaxNumSeqs)
        {
            var sequence = node.Value;
            // Reuse the longest cached run of full blocks, but leave at least one token to compute:
            // the step must end on a token of this sequence to sample from it.
            _hits.Clear();
            if (_config.EnablePrefixCaching)
            {
                int maxBlocks = (sequence.TokenCount - 1) / blockSize;
                _blocks.FindCached(sequence.BlockHashes(maxBlocks, blockSize), maxBlocks, _hits);
            }
            int computed = _hits.Count * blockSize;
            int count = FitImages(sequence, computed, Math.Min(sequence.TokenCount - computed, plan.TokenBudget), plan);
            if (count <= 0) break;
            int needed = _blocks.BlocksFor(computed + count) - _hits.Count;
            if (!_blocks.CanAllocate(needed + _blocks.CountFree(_hits))) break;

            _waiting.Remove(node);
            sequence.WaitingNode = null;
            _blocks.Share(_hits, sequence.Blocks);
            _blocks.Allocate(needed, sequence.Blocks);
            sequence.Computed = computed;
            sequence.CachedPromptTokens ??= Math.Min(computed, sequence.PromptLength);
            if (_config.EnablePrefixCaching)
            {
                _prefixQueries += sequence.TokenCount;
                _prefixHits += computed;
            }
            if (sequence.Status == SequenceStatus.Preempted) _preemptedWaiting--;
            sequence.Status = SequenceStatus.Running;
            _running.Add(sequence);
            HoldImagesAhead(sequence);
            Commit(sequence, count, plan);
        }
    }

    /// <summary>
    /// How many of <paramref name="count"/> tokens from <paramref name="start"/> can go into this step given
    /// the encoder budget: the chunk ends before the first image that is not encoded and does not fit.
    /// Changes nothing.
    /// </summary>
    private int FitImages(Sequence sequence, int start, int count, StepPlan plan)
    {
        int end = start + count, planned = 0;
        foreach (var span in sequence.Prompt.Images)
        {
            if (span.Start >= end) break;
            if (span.End <= start) continue;
            var key = sequence.ImageKeys[span.Image];
            if (_images.IsEncoded(key) || SameImageEarlier(sequence, span.Image, start)) continue;
            if (!plan.EncoderFits(span.Length, planned)) return Math.Max(0, span.Start - start);
            planned += span.Length;
        }
        return count;
    }

    /// <summary>Whether an earlier image of the chunk is the same picture (encoded once for both).</summary>
    private static bool SameImageEarlier(Sequence sequence, int image, int start)
    {
        for (int k = 0; k < image; k++)
            if (sequence.Prompt.Images[k].End > start && sequence.ImageKeys[k] == sequence.ImageKeys[image]) return true;
        return false;
    }

    /// <summary>Puts tokens [Computed, Computed + count) into the step: images to encode, cache registration, image release.</summary>
    private void Commit(Sequence sequence, int count, StepPlan plan)
    {
        int start = sequence.Computed, end = start + count;
        foreach (var span in sequence.Prompt.Images)
        {
            if (span.Start >= end) break;
            if (span.End <= start) continue;
            var key = sequence.ImageKeys[span.Image];
            if (_images.IsEncoded(key)) continue;
            plan.AddEncode(new ImageToEncode(key, sequence.Request.Images[span.Image].Patches), span.Length);
            _images.MarkEncoded(key);
        }
        bool decode = sequence.OutputCount > 0 && start == sequence.TokenCount - 1;
        if (!decode) _promptTokens += count;
        LastStep = decode ? LastStep with { DecodeSequences = LastStep.DecodeSequences + 1 }
            : LastStep with { PrefillTokens = LastStep.PrefillTokens + count };
        plan.Add(sequence.Step(count));
        sequence.Computed = end;

        if (_config.EnablePrefixCaching)
        {
            int blockSize = _config.BlockSize, full = end / blockSize;
            var hashes = sequence.BlockHashes(full, blockSize);
            for (int b = start / blockSize; b < full; b++) _blocks.Register(sequence.Blocks[b], hashes[b]);
        }
        // Images the chunk finished are not needed by this sequence any more; the executor drops
        // one nobody needs after running this step.
        foreach (var span in sequence.Prompt.Images)
        {
            if (span.End > end) break;
            if (!sequence.HeldImages[span.Image]) continue;
            sequence.HeldImages[span.Image] = false;
            _images.Release(sequence.ImageKeys[span.Image]);
        }
    }

    /// <summary>
    /// Makes the sequence hold exactly the images it has still to prefill: new sequences from the moment they
    /// arrive (so choices of one prompt that start in different steps still find the image encoded), preempted
    /// ones again when they are readmitted; a prefix-cache hit past an image lets go of it.
    /// </summary>
    private void HoldImagesAhead(Sequence sequence)
    {
        foreach (var span in sequence.Prompt.Images)
        {
            bool needed = span.End > sequence.Computed;
            if (needed == sequence.HeldImages[span.Image]) continue;
            sequence.HeldImages[span.Image] = needed;
            if (needed) _images.Acquire(sequence.ImageKeys[span.Image]);
            else _images.Release(sequence.ImageKeys[span.Image]);
        }
    }

    private void ReleaseImages(Sequence sequence)
    {
        for (int i = 0; i < sequence.HeldImages.Length; i++)
        {
            if (!sequence.HeldImages[i]) continue;
            sequence.HeldImages[i] = false;
            _images.Release(sequence.ImageKeys[i]);
        }
    }

    /// <summary>
    /// Gives back a running sequence's blocks and images; it keeps its output and is recomputed from the
    /// front of the waiting queue (prefix caching may find its blocks still there).
    /// </summary>
    private void Preempt(Sequence sequence)
    {
        _running.Remove(sequence);
        sequence.FreeBlocks(_blocks);
        ReleaseImages(sequence);
        sequence.Computed = 0;
        sequence.Status = SequenceStatus.Preempted;
        sequence.WaitingNode = _waiting.AddFirst(sequence);
        _preemptions++;
        _preemptedWaiting++;
    }

    /// <summary>Appends the sampled tokens and finishes the sequences that stop or reach their length.</summary>
    public StepOutcome Update(StepBatch batch, StepResult result)
    {
        if (!ReferenceEquals(batch, _inFlight)) throw new InvalidOperationException("Update takes the batch the last Schedule returned");
        if (result.Tokens.Length != batch.Sequences.Count)
            throw new ArgumentException($"the step had {batch.Sequences.Count} sequences but the result has {result.Tokens.Length} tokens");
        _inFlight = null;
        if (batch.Sequences.Count == 0) return StepOutcome.Empty;
        var tokens = new List<GeneratedToken>(batch.Sequences.Count);
        var finished = new List<FinishedSequence>();
        for (int i = 0; i < batch.Sequences.Count; i++)
        {
            var step = batch.Sequences[i];
            if (step.Sampling == null) continue;
            // A sequence aborted while its step ran is gone; its token is dropped.
            if (!_live.TryGetValue(new SequenceId(step.SequenceId), out var sequence)) continue;
            var token = result.Tokens[i] ?? throw new InvalidOperationException($"the executor sampled no token for sequence {step.SequenceId}");
            sequence.Append(token.TokenId);
            _generationTokens++;
            tokens.Add(new GeneratedToken(sequence.Id, token));
            var status = sequence.StatusAfterToken(token.TokenId, _config.MaxModelLength);
            if (status.IsFinished()) finished.Add(Finish(sequence, status));
        }
        return new StepOutcome(tokens, finished);
    }

    private FinishedSequence Finish(Sequence sequence, SequenceStatus status)
    {
        if (sequence.Status == SequenceStatus.Running) _running.Remove(sequence);
        if (sequence.Status == SequenceStatus.Preempted) _preemptedWaiting--;
        if (sequence.WaitingNode != null)
        {
            _waiting.Remove(sequence.WaitingNode);
            sequence.WaitingNode = null;
        }
        sequence.FreeBlocks(_blocks);
        ReleaseImages(sequence);
        sequence.Status = status;
        _live.Remove(sequence.Id);
        return new FinishedSequence(sequence.Id, status.ToFinishReason()!.Value, sequence.PromptLength, sequence.OutputCount,
            sequence.CachedPromptTokens ?? 0);
    }

    /// <summary>Checks the allocator's and encoder cache's invariants against the live sequences; throws on the first broken one.</summary>
    internal void CheckInvariants()
    {
        if (_running.Count > _config.MaxNumSeqs) throw new InvalidOperationException($"{_running.Count} sequences running");
        foreach (var s in _waiting)
            if (s.Blocks.Count > 0 || s.Computed != 0) throw new InvalidOperationException($"waiting sequence {s.Id} holds blocks");
        _blocks.CheckInvariants(_running.Select(s => (IReadOnlyList<int>)s.Blocks));
        var refs = new Dictionary<ImageKey, int>();
        foreach (var s in _live.Values)
            for (int i = 0; i < s.HeldImages.Length; i++)
                if (s.HeldImages[i]) refs[s.ImageKeys[i]] = refs.GetValueOrDefault(s.ImageKeys[i]) + 1;
        _images.CheckInvariants(refs);
        if (_running.Count + _waiting.Count != _live.Count) throw new InvalidOperationException("a live sequence is neither running nor waiting");
    }
}
