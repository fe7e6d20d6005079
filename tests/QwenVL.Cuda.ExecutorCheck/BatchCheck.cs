using QwenVL.Cuda.Executor;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;

namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>
/// Batching at temperature 0: each of <see cref="BatchRequests.Count"/> mixed text and image requests must get, in one
/// batch with the others, the same greedy tokens as alone, up to the first step whose top-2 logit margin (alone) is
/// under <see cref="GreedyAgreement.MarginFloor"/>: a batch changes the GEMMs' shapes, and bf16 GEMMs of other shapes
/// may round a near-tie the other way. With the CPU executor (meant for the tiny fixture) the batched CUDA tokens are
/// held against the float32 executor's tokens alone by the same rule. The comparison itself works on any
/// <see cref="IModelExecutor"/>: the test suite runs it CPU against CPU.
/// </summary>
internal static class BatchCheck
{
    /// <summary>Greedy tokens per request: the first from the prefill step, the rest from decode steps taken together.</summary>
    public const int Tokens = 16;
    private const int MaxModelLength = 4096;
    // Sequence ids of the batched run: apart from the runs alone, in case an executor keeps anything per id.
    private const long BatchedIds = 100;

    public static bool Run(string modelDirectory, bool withCpu, TextWriter log)
    {
        var model = ModelDirectory.Open(modelDirectory);
        var prompts = new Prompts(model);
        var requests = BatchRequests.Build(model, prompts);
        int promptTokens = requests.Sum(r => r.Prompt.Length);
        // Room for every prompt in one step (the acceptance point's "prefill all together"), above the default when needed.
        int maxTokensPerStep = Math.Max(new CudaExecutorOptions().MaxTokensPerStep, promptTokens);
        int longest = requests.Max(r => r.Prompt.Length) + Tokens;
        if (longest > MaxModelLength) throw new InvalidOperationException($"a request needs {longest} positions; the check plans for {MaxModelLength}");

        using var cuda = CudaExecutor.Load(model, new CudaExecutorOptions(MaxModelLength: MaxModelLength, MaxTokensPerStep: maxTokensPerStep,
            MaxSequencesPerStep: 16));
        var plan = BlockPlan.For(requests, cuda.Spec.BlockSize, Tokens);
        int blocks = cuda.AllocateKvCache(plan.Blocks * cuda.KvCacheBytesPerBlock);
        if (blocks < plan.Blocks) throw new InvalidOperationException($"the KV cache got {blocks} blocks; the check needs {plan.Blocks}");
        log.WriteLine($"device: {cuda.Device.Name} ({cuda.Device.Architecture}); executor loaded in {cuda.LoadMilliseconds:F0} ms, "
            + $"weights {cuda.WeightBytes / 1e9:F2} GB; {blocks} KV blocks; at most {maxTokensPerStep} tokens a step");
        foreach (var r in requests)
            log.WriteLine($"  {r.Name,-22} {r.Prompt.Length,4} prompt tokens, images [{string.Join(", ", r.Prompt.Patches.Select(p => $"{p.GridH}x{p.GridW} patches"))}]");

        Func<CpuExecutor>? cpu = withCpu ? () => CpuExecutor.Load(model, maxModelLength: MaxModelLength) : null;
        if (withCpu && model.Config.Text.HiddenSize > 512) log.WriteLine("note: the float32 CPU executor at these shapes takes a while");
        return Check(requests, cuda, batch => cuda.LastTokenLogits(batch, sampledOnly: true, out _), "CUDA", plan, maxTokensPerStep, cpu, log);
    }

    /// <summary>
    /// The check on any executor: every request alone, then all together, compared by the margin rule; then, given
    /// <paramref name="cpu"/> (an executor whose KV cache this allocates), the batched tokens against the CPU's alone.
    /// Writes "batch: PASS" or "batch: FAIL (...)" last and returns whether it passed.
    /// </summary>
    internal static bool Check(IReadOnlyList<BatchRequest> requests, IModelExecutor executor, SampledLogits logits, string name, BlockPlan plan,
        int maxTokensPerStep, Func<CpuExecutor>? cpu, TextWriter log)
    {
        var failures = new List<string>();
        var alone = Alone(executor, logits, requests, plan, maxTokensPerStep);
        var batched = GreedyRuns.Batched(executor, requests, plan.Batched, BatchedIds, maxTokensPerStep, Tokens);
        int promptTokens = requests.Sum(r => r.Prompt.Length);
        log.WriteLine($"batched run: {batched.Steps} steps, prompts in {batched.PrefillSteps} step(s), largest step {batched.LargestStep} tokens "
            + $"({promptTokens} prompt tokens in all)");
        if (batched.PrefillSteps != 1 && promptTokens <= maxTokensPerStep)
            failures.Add($"the prompts took {batched.PrefillSteps} steps though one step holds them");
        if (executor.CachedImageCount != 0) failures.Add($"{executor.CachedImageCount} images still held by the {name} executor after the runs");
        Compare($"{name} batched vs {name} alone", requests, alone, "alone", batched.Tokens, log, failures);

        if (cpu != null)
        {
            using var reference = cpu();
            var cpuPlan = BlockPlan.For(requests, reference.Spec.BlockSize, Tokens);
            reference.AllocateKvCache(cpuPlan.Blocks * reference.KvCacheBytesPerBlock);
            var cpuAlone = Alone(reference, batch => reference.LastTokenLogits(batch, sampledOnly: true, out _), requests, cpuPlan,
                maxTokensPerStep);
            Compare($"{name} batched vs CPU alone", requests, cpuAlone, "CPU", batched.Tokens, log, failures);
            if (reference.CachedImageCount != 0) failures.Add($"{reference.CachedImageCount} images still held by the CPU executor after the runs");
        }

        log.WriteLine(failures.Count == 0
            ? "batch: PASS"
            : $"batch: FAIL ({failures.Count}: {string.Join("; ", failures)})");
        return failures.Count == 0;
    }

    /// <summary>Every request alone, one after the other, each in its own blocks of <paramref name="plan"/>.</summary>
    public static GreedyTrace[] Alone(IModelExecutor executor, SampledLogits logits, IReadOnlyList<BatchRequest> requests, BlockPlan plan,
        int maxTokensPerStep, int tokens = Tokens) =>
        requests.Select((r, i) => GreedyRuns.Alone(executor, logits, r.Prompt, i, plan.Alone[i], maxTokensPerStep, tokens)).ToArray();

    /// <summary>
    /// Holds each request's batched tokens against its reference run by the margin rule, writes one line per request
    /// (and both token lists where they differ anywhere) and adds a failure for each mismatch within the rule. A run
    /// where the rule compared nothing at all is a failure too: it would pass whatever the executor did.
    /// </summary>
    public static GreedyAgreement[] Compare(string title, IReadOnlyList<BatchRequest> requests, GreedyTrace[] reference, string referenceName,
        int[][] batched, TextWriter log, List<string> failures)
    {
        log.WriteLine($"{title} (compared up to the first step where the {referenceName} run's top-2 margin is under {GreedyAgreement.MarginFloor}):");
        var agreements = new GreedyAgreement[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            var agreement = GreedyAgreement.Compare(reference[i], batched[i]);
            agreements[i] = agreement;
            log.WriteLine($"  {(agreement.Passed ? "ok  " : "FAIL")} {requests[i].Name,-22} {agreement.Describe(reference[i], batched[i], referenceName)}");
            if (agreement.FirstDifference >= 0)
            {
                log.WriteLine($"       batched   [{string.Join(' ', batched[i])}]");
                log.WriteLine($"       {referenceName,-9} [{string.Join(' ', reference[i].Tokens)}]");
                log.WriteLine($"       margins   [{string.Join(' ', reference[i].Margins.Select(m => m.ToString("F3")))}]");
            }
            if (!agreement.Passed)
                failures.Add($"{title}: {requests[i].Name} differs at step {agreement.FirstDifference} ({referenceName} margin "
                    + $"{reference[i].Margins[agreement.FirstDifference]:F4})");
        }
        int compared = agreements.Sum(a => a.Compared);
        log.WriteLine($"  {compared} steps compared over {requests.Count} requests; "
            + $"{agreements.Count(a => a.Compared == 0)} request(s) with none (a first-token margin under {GreedyAgreement.MarginFloor})");
        if (compared == 0) failures.Add($"{title}: no step compared (every request's first margin is under {GreedyAgreement.MarginFloor})");
        return agreements;
    }
}
