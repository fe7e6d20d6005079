using System.Security.Cryptography;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Runtime.Generation;

/// <summary>
/// Runs one request's choices to completion on an executor, without a scheduler: the choices are
/// prefilled in chunks together and then decoded together, one batch per step. Used by
/// `qwenvl generate` and by tests; the serving path goes through the scheduler instead.
/// </summary>
public sealed class OfflineGenerator(IModelExecutor executor, QwenTokenizer tokenizer, IReadOnlyList<int> eosTokenIds, int prefillChunk = 512)
{
    private readonly int _blockSize = executor.Spec.BlockSize;
    private int _nextFreeBlock;

    /// <summary>Blocks this generator hands out; the executor's cache must hold at least this many.</summary>
    public int BlocksAvailable { get; set; } = int.MaxValue;

    /// <param name="images">the preprocessed patches of each of the prompt's images, in order</param>
    public IReadOnlyList<GeneratedChoice> Generate(PromptInput prompt, SamplingParams p, IReadOnlyList<PixelPatches>? images = null)
    {
        images ??= [];
        if (images.Count != prompt.Images.Count)
            throw new ArgumentException($"the prompt has {prompt.Images.Count} image(s) but {images.Count} were given");
        p.Validate();
        int maxLength = executor.Spec.MaxModelLength;
        if (prompt.Tokens.Length >= maxLength)
            throw new ArgumentException($"the prompt has {prompt.Tokens.Length} tokens; this model's maximum context length is {maxLength} tokens");
        int maxTokens = Math.Min(p.MaxTokens ?? int.MaxValue, maxLength - prompt.Tokens.Length);
        var stopIds = StopTokenIds(p);
        var sequences = new GeneratingSequence[p.N];
        _nextFreeBlock = 0;
        for (int i = 0; i < p.N; i++)
            sequences[i] = new GeneratingSequence(i, TakeBlocks(prompt.Tokens.Length + maxTokens), SeedFor(p, i), tokenizer);
        var matcher = new StopStringMatcher(p.Stop);
        var first = Prefill(prompt, p, sequences, stopIds, images);
        for (int i = 0; i < sequences.Length; i++) Accept(sequences[i], first[i]!.Value, p, stopIds, matcher, maxTokens);
        while (true)
        {
            var live = sequences.Where(s => s.Finished == null).ToArray();
            if (live.Length == 0) break;
            var steps = live.Select(s => DecodeStep(prompt, p, s, stopIds)).ToArray();
            var result = executor.Execute(new StepBatch(steps));
            for (int i = 0; i < live.Length; i++) Accept(live[i], result.Tokens[i]!.Value, p, stopIds, matcher, maxTokens);
        }
        return sequences.Select(s => s.ToChoice()).ToArray();
    }

    private SampledToken?[] Prefill(PromptInput prompt, SamplingParams p, GeneratingSequence[] sequences, int[] stopIds,
        IReadOnlyList<PixelPatches> images)
    {
        var keys = images.Select(ImageKey.Of).ToArray();
        // The images are encoded with the first chunk and released after the last: decoding never needs them.
        var encode = images.Select((patches, i) => new ImageToEncode(keys[i], patches)).ToArray();
        int total = prompt.Tokens.Length;
        SampledToken?[] last = [];
        for (int start = 0; start < total; start += prefillChunk)
        {
            int count = Math.Min(prefillChunk, total - start);
            bool final = start + count == total;
            var tokens = prompt.Tokens.AsSpan(start, count).ToArray();
            var positions = Positions.MRopePositions.Slice(prompt.Positions, total, start, count);
            var slices = prompt.ImageSlicesFor(start, count, keys);
            var steps = sequences.Select(s => new SequenceStep(s.Index, tokens, positions, s.BlockTable, start,
                final ? Context(prompt, p, s, stopIds) : null, slices)).ToArray();
            last = executor.Execute(new StepBatch(steps, start == 0 ? encode : null, final ? keys : null)).Tokens;
        }
        return last;
    }

    private SequenceStep DecodeStep(PromptInput prompt, SamplingParams p, GeneratingSequence s, int[] stopIds)
    {
        int context = prompt.Tokens.Length + s.Output.Count - 1;
        int position = context + prompt.RopeDelta;
        return new SequenceStep(s.Index, [s.Output[^1]], [position, position, position], s.BlockTable, context,
            Context(prompt, p, s, stopIds));
    }

    private static SamplingContext Context(PromptInput prompt, SamplingParams p, GeneratingSequence s, int[] stopIds) =>
        new(p, prompt.Tokens, s.Output.ToArray(), s.Seed, stopIds);

    private void Accept(GeneratingSequence s, SampledToken token, SamplingParams p, int[] stopIds, StopStringMatcher matcher, int maxTokens)
    {
        // A stop token ends the sequence and, as in vLLM, stays out of the text.
        bool isStopToken = Array.IndexOf(stopIds, token.TokenId) >= 0;
        var piece = s.Append(token, textVisible: !isStopToken);
        if (isStopToken && s.Output.Count >= p.MinTokens) { s.Finish(FinishReason.Stop); return; }
        if (!matcher.IsEmpty && s.Output.Count >= p.MinTokens)
        {
            var text = s.Text;
            int at = matcher.Find(text, piece.Length);
            if (at >= 0) { s.Finish(FinishReason.Stop, at); return; }
        }
        if (s.Output.Count >= maxTokens) s.Finish(FinishReason.Length);
    }

    /// <summary>EOS ids (unless ignore_eos) and the request's stop_token_ids.</summary>
    private int[] StopTokenIds(SamplingParams p) =>
        (p.IgnoreEos ? p.StopTokenIds : eosTokenIds.Concat(p.StopTokenIds)).Distinct().ToArray();

    private static ulong SeedFor(SamplingParams p, int index) =>
        p.Seed is long seed ? unchecked((ulong)(seed + index)) : BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    private int[] TakeBlocks(int tokens)
    {
        int count = (tokens + _blockSize - 1) / _blockSize;
        if (_nextFreeBlock + count > BlocksAvailable)
            throw new InvalidOperationException($"the KV cache holds {BlocksAvailable} blocks; this request needs {_nextFreeBlock + count}");
        var table = Enumerable.Range(_nextFreeBlock, count).ToArray();
        _nextFreeBlock += count;
        return table;
    }
}
