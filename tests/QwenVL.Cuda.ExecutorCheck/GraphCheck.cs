using QwenVL.Cuda.Executor;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;
using static QwenVL.Cuda.ExecutorCheck.LogitComparison;

namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>
/// Decode steps three ways on the same cache contents: replayed from a captured graph (a bucket of 4 with one padding
/// row), launched eagerly (the split-K decode attention), and inside a mixed step (the general paged attention,
/// because a prefill chunk rides along). Contexts of 20, 700 and 3,000 random tokens cover empty splits and long ones.
/// The three differ only by bf16 rounding of differently shaped products; a wrong kernel, a stale graph address or a
/// padding row that writes into a real block would show as far larger differences.
/// </summary>
internal static class GraphCheck
{
    // Graph and eager run the same kernels on the same cache: only a different cuBLASLt algorithm for the padded
    // row count could make them differ. The decode kernel against the general one differs by bf16 rounding of the
    // attention output, carried through every layer: on the 2B shapes (logits up to ~4) by a few bf16 steps.
    private const double GraphTolerance = 2e-2;
    private const double KernelTolerance = 0.1;
    private const int DecodeSteps = 6;
    private static readonly int[] Contexts = [20, 700, 3000];

    public static bool Run(string modelDirectory, TextWriter log)
    {
        var model = ModelDirectory.Open(modelDirectory);
        var options = new CudaExecutorOptions(MaxModelLength: 4096, MaxTokensPerStep: 2048, MaxSequencesPerStep: 16, LoadVisionTower: false);
        using var graphs = CudaExecutor.Load(model, options);
        using var eager = CudaExecutor.Load(model, options with { EnforceEager = true });
        int blocksPerSequence = (Contexts.Max() + DecodeSteps + 16) / 16 + 1;
        long bytes = (5L * blocksPerSequence + 1) * graphs.KvCacheBytesPerBlock;
        graphs.AllocateKvCache(bytes);
        eager.AllocateKvCache(bytes);
        int group = graphs.Spec.Text.NumHeads / graphs.Spec.Text.NumKvHeads;
        var (registers, local) = graphs.DecodeAttentionResources(group);
        log.WriteLine($"decode attention for {group} heads per KV head: {registers} registers, {local} bytes local memory per thread");
        log.WriteLine($"graphs: {graphs.GraphBatchSizes.Count} captured (batch sizes {string.Join(',', graphs.GraphBatchSizes)}) in "
            + $"{graphs.GraphCaptureMilliseconds:F0} ms; eager executor has {eager.GraphBatchSizes.Count}");

        var random = new Random(11);
        int vocab = graphs.Spec.VocabSize;
        int[] Table(int sequence) => Enumerable.Range(0, blocksPerSequence).Select(k => k * 5 + sequence).ToArray();
        var prompts = Contexts.Select(n => Enumerable.Range(0, n).Select(_ => random.Next(vocab)).ToArray()).ToArray();
        foreach (var executor in new[] { graphs, eager })
            for (int s = 0; s < prompts.Length; s++)
                for (int first = 0; first < prompts[s].Length; first += 2048)
                {
                    int n = Math.Min(2048, prompts[s].Length - first);
                    executor.LastTokenLogits(new StepBatch([new SequenceStep(s, prompts[s][first..(first + n)],
                        MRopePositions.ForText(first, n), Table(s), first, null)]), sampledOnly: false, out _);
                }

        var failures = new List<string>();
        var next = prompts.Select(p => p[^1]).ToArray();
        var rider = new[] { random.Next(vocab), random.Next(vocab) };
        for (int step = 0; step < DecodeSteps; step++)
        {
            var decode = Enumerable.Range(0, prompts.Length).Select(s =>
            {
                int position = Contexts[s] + step;
                return new SequenceStep(s, [next[s]], [position, position, position], Table(s), position, null);
            }).ToArray();
            var replayed = graphs.LastTokenLogits(new StepBatch(decode), sampledOnly: false, out _);
            bool usedGraph = graphs.LastStepUsedGraph;
            // the mixed step first: the decode step after it rewrites the same KV slots as the graph executor's did
            var chunk = new SequenceStep(3, rider, MRopePositions.ForText(0, 2), Table(3), 0, null);
            var mixed = eager.LastTokenLogits(new StepBatch([.. decode, chunk]), sampledOnly: false, out _);
            var launched = eager.LastTokenLogits(new StepBatch(decode), sampledOnly: false, out _);
            bool eagerGraph = eager.LastStepUsedGraph;
            if (!usedGraph) failures.Add($"step {step}: the graph executor did not replay a graph");
            if (eagerGraph) failures.Add($"step {step}: the eager executor replayed a graph");
            for (int s = 0; s < prompts.Length; s++)
            {
                var g = replayed.AsSpan(s * vocab, vocab);
                double vsEager = MaxAbsDifference(g, launched.AsSpan(s * vocab, vocab));
                double vsMixed = MaxAbsDifference(launched.AsSpan(s * vocab, vocab), mixed.AsSpan(s * vocab, vocab));
                log.WriteLine($"step {step} context {Contexts[s] + step,4}: max |graph - eager| {vsEager:E2}, max |eager decode kernel - general kernel| {vsMixed:E2}");
                if (!(vsEager <= GraphTolerance)) failures.Add($"step {step} sequence {s}: graph vs eager {vsEager:E2}");
                if (!(vsMixed <= KernelTolerance)) failures.Add($"step {step} sequence {s}: decode kernel vs general kernel {vsMixed:E2}");
                next[s] = ArgMax(g);
            }
        }
        log.WriteLine(failures.Count == 0 ? "graphs: PASS" : $"graphs: FAIL ({failures.Count}: {string.Join("; ", failures.Take(8))})");
        return failures.Count == 0;
    }
}
