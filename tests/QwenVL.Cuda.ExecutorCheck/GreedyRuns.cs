using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>The last-token logits of a step's sampling sequences, [rows, vocab] in batch order (an executor's LastTokenLogits).</summary>
internal delegate float[] SampledLogits(StepBatch batch);

/// <summary>Where each request's KV blocks lie: one region for the runs alone, another for the batched run.</summary>
/// <param name="Alone">request i's table when it runs alone: consecutive blocks, after request i − 1's</param>
/// <param name="Batched">request i's table in the batched run: block k is <c>AloneBlocks + k·n + i</c>, so neighbouring
/// blocks belong to different sequences and a table mix-up reads another request's keys, not stale copies of its own</param>
internal sealed record BlockPlan(int[][] Alone, int[][] Batched, int Blocks)
{
    public static BlockPlan For(IReadOnlyList<BatchRequest> requests, int blockSize, int tokens)
    {
        var need = requests.Select(r => (r.Prompt.Length + tokens + blockSize - 1) / blockSize).ToArray();
        var alone = new int[requests.Count][];
        int next = 0;
        for (int i = 0; i < need.Length; i++)
        {
            alone[i] = Enumerable.Range(next, need[i]).ToArray();
            next += need[i];
        }
        int n = requests.Count;
        var batched = need.Select((count, i) => Enumerable.Range(0, count).Select(k => next + k * n + i).ToArray()).ToArray();
        return new BlockPlan(alone, batched, next + need.Max() * n);
    }
}

/// <summary>How the batched run went: each request's tokens and the shape of its steps.</summary>
/// <param name="PrefillSteps">steps that held a prefill chunk (1 when every prompt fitted one step)</param>
/// <param name="LargestStep">the most tokens in one step</param>
internal sealed record BatchedRun(int[][] Tokens, int Steps, int PrefillSteps, int LargestStep);

/// <summary>
/// Greedy decoding straight on an executor's steps, without the generator or the scheduler, so the check decides
/// exactly what each step holds: every request alone, and all of them together in the same steps.
/// </summary>
internal static class GreedyRuns
{
    // No penalties and no stop tokens: every step is the plain argmax, and an end-of-text token is just another token.
    public static readonly SamplingContext Greedy = new(new SamplingParams { Temperature = 0 }, ReadOnlyMemory<int>.Empty,
        ReadOnlyMemory<int>.Empty, 0, ReadOnlyMemory<int>.Empty);

    /// <summary>
    /// One request alone: its prompt in steps of at most <paramref name="maxTokensPerStep"/> tokens, then decode steps
    /// until <paramref name="tokens"/> tokens; each token is the argmax of <paramref name="logits"/>, with its margin.
    /// The images are encoded with the first chunk and released after the last.
    /// </summary>
    public static GreedyTrace Alone(IModelExecutor executor, SampledLogits logits, PreparedPrompt prompt, long id, int[] table,
        int maxTokensPerStep, int tokens)
    {
        int vocab = executor.Spec.VocabSize;
        var chosen = new int[tokens];
        var margins = new double[tokens];
        for (int start = 0; start < prompt.Length; start += maxTokensPerStep)
        {
            int count = Math.Min(maxTokensPerStep, prompt.Length - start);
            var encode = start == 0 ? prompt.Encode : null;
            if (start + count < prompt.Length)
            {
                executor.Execute(new StepBatch([prompt.Chunk(id, start, count, table, null)], encode));
                continue;
            }
            (chosen[0], margins[0]) = Choose(logits(new StepBatch([prompt.Chunk(id, start, count, table, Greedy)], encode)), vocab,
                $"sequence {id} alone, last prefill chunk");
        }
        // LastTokenLogits releases nothing: the images go now, as a scheduler releases them after the prompt's last chunk.
        if (prompt.Keys.Length > 0) executor.Execute(new StepBatch([], Release: prompt.Keys.Distinct().ToArray()));
        for (int k = 1; k < tokens; k++)
        {
            (chosen[k], margins[k]) = Choose(logits(new StepBatch([prompt.Decode(id, k - 1, chosen[k - 1], table, Greedy)])), vocab,
                $"sequence {id} alone, decode step {k}");
        }
        return new GreedyTrace(chosen, margins);
    }

    private static (int Token, double Margin) Choose(float[] logits, int vocab, string where)
    {
        if (logits.Length != vocab) throw new InvalidOperationException($"{where}: {logits.Length} logits came back; one row is {vocab}");
        try
        {
            return GreedyTrace.Choose(logits);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{where}: {e.Message}", e);
        }
    }

    /// <summary>
    /// All requests together through <see cref="IModelExecutor.Execute"/>, the serving path (tokens picked by the
    /// executor's own sampler). Each step holds every unfinished request: a decode token once its prompt is in, else its
    /// next prefill chunk; decodes are counted first and the prompts share the rest of <paramref name="maxTokensPerStep"/>
    /// in request order, so with room for all of them the first step prefills all prompts and the rest decode all
    /// sequences together. Each image is encoded with its request's first chunk and released after the step where the
    /// last request showing it finished its prompt.
    /// </summary>
    public static BatchedRun Batched(IModelExecutor executor, IReadOnlyList<BatchRequest> requests, IReadOnlyList<int[]> tables,
        long firstId, int maxTokensPerStep, int tokens)
    {
        int n = requests.Count;
        if (maxTokensPerStep <= n) throw new ArgumentException($"a step of {maxTokensPerStep} tokens leaves no room to prefill beside {n} decodes");
        var prompts = requests.Select(r => r.Prompt).ToArray();
        var prefilled = new int[n];
        var outputs = Enumerable.Range(0, n).Select(_ => new List<int>(tokens)).ToArray();
        // how many requests still have to prefill with each image: it is released when that reaches 0
        var users = prompts.SelectMany(p => p.Keys.Distinct()).GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        var encoded = new HashSet<ImageKey>();
        int steps = 0, prefillSteps = 0, largest = 0;
        while (outputs.Any(o => o.Count < tokens))
        {
            var batch = new List<SequenceStep>();
            var owners = new List<int>();
            var encode = new List<ImageToEncode>();
            var release = new List<ImageKey>();
            int decoding = Enumerable.Range(0, n).Count(i => prefilled[i] == prompts[i].Length && outputs[i].Count < tokens);
            int budget = maxTokensPerStep - decoding;
            bool anyPrefill = false;
            for (int i = 0; i < n; i++)
            {
                var p = prompts[i];
                if (prefilled[i] == p.Length)
                {
                    if (outputs[i].Count >= tokens) continue;
                    int k = outputs[i].Count - 1;
                    batch.Add(p.Decode(firstId + i, k, outputs[i][k], tables[i], Greedy));
                    owners.Add(i);
                    continue;
                }
                int count = Math.Min(budget, p.Length - prefilled[i]);
                if (count == 0) continue;
                budget -= count;
                anyPrefill = true;
                bool last = prefilled[i] + count == p.Length;
                if (prefilled[i] == 0)
                    foreach (var image in p.Encode)
                        if (encoded.Add(image.Key)) encode.Add(image);
                batch.Add(p.Chunk(firstId + i, prefilled[i], count, tables[i], last ? Greedy : null));
                owners.Add(i);
                prefilled[i] += count;
                if (last)
                    foreach (var key in p.Keys.Distinct())
                        if (--users[key] == 0) release.Add(key);
            }
            var stepBatch = new StepBatch(batch, encode, release);
            var result = executor.Execute(stepBatch);
            if (result.Tokens.Length != batch.Count)
                throw new InvalidOperationException($"batched step {steps} returned {result.Tokens.Length} results for {batch.Count} sequences");
            for (int j = 0; j < batch.Count; j++)
            {
                if (batch[j].Sampling == null) continue;
                var token = result.Tokens[j]
                    ?? throw new InvalidOperationException($"batched step {steps}: {requests[owners[j]].Name} asked for a token and got none");
                outputs[owners[j]].Add(token.TokenId);
            }
            steps++;
            if (anyPrefill) prefillSteps++;
            largest = Math.Max(largest, stepBatch.TokenCount);
        }
        return new BatchedRun(outputs.Select(o => o.ToArray()).ToArray(), steps, prefillSteps, largest);
    }
}
