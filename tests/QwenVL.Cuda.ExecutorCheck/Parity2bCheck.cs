using QwenVL.Cuda.Executor;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Sampling;
using static QwenVL.Cuda.ExecutorCheck.LogitComparison;

namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>
/// CudaExecutor on a checkpoint with Qwen2-VL-2B's shapes (random weights) against transformers in bf16 on the same
/// GPU, as tools/gpu/hf_reference_2b.py records it: for each chat case the prompt ids must equal HF's, the last-token
/// logits must have cosine similarity ≥ 0.999 with HF's, and the first 8 greedy tokens must equal HF's up to the first
/// step whose HF top-2 margin is under 0.05 (<see cref="GreedyAgreement"/>: the batch check's rule). There HF's two best
/// logits are within a few bf16 steps (HF's logits are bf16), so either token is a correct greedy choice, and the steps
/// after it continue from another prefix.
/// </summary>
internal static class Parity2bCheck
{
    private const double CosineFloor = 0.999;
    private const int ComparedTokens = 8;
    private static readonly int[] EosTokenIds = [151645, 151643];

    public static bool Run(string modelDirectory, string referenceDirectory, TextWriter log)
    {
        var model = ModelDirectory.Open(modelDirectory);
        using var reference = new ReferenceData(referenceDirectory);
        var prompts = new Prompts(model, referenceDirectory);
        using var cuda = CudaExecutor.Load(model, new CudaExecutorOptions(MaxModelLength: 4096, MaxTokensPerStep: 1024, MaxSequencesPerStep: 16));
        int blocks = cuda.AllocateKvCache(256 * cuda.KvCacheBytesPerBlock);
        log.WriteLine($"device: {cuda.Device.Name} ({cuda.Device.Architecture}); executor loaded in {cuda.LoadMilliseconds:F0} ms, "
            + $"weights {cuda.WeightBytes / 1e9:F2} GB, {blocks} KV blocks");

        var failures = new List<string>();
        foreach (var chat in reference.Chats)
        {
            var prompt = prompts.Build(chat);
            bool sameIds = prompt.Input.Tokens.SequenceEqual(chat.InputIds);
            log.WriteLine($"{chat.Name}: {prompt.Length} prompt tokens, {chat.Images.Length} image(s); input ids "
                + (sameIds ? "equal HF's" : $"DIFFER from HF's ({chat.InputIds.Length} tokens, first difference at {FirstDifference(prompt.Input.Tokens, chat.InputIds)})"));
            if (!sameIds)
            {
                failures.Add($"{chat.Name}: prompt ids differ from HF's");
                continue;
            }
            LastLogits(chat, prompt, cuda, reference, log, failures);
            Greedy(chat, prompt, cuda, blocks, prompts, log, failures);
        }
        log.WriteLine(failures.Count == 0
            ? "parity2b: PASS"
            : $"parity2b: FAIL ({failures.Count}: {string.Join("; ", failures)})");
        return failures.Count == 0;
    }

    private static void LastLogits(ReferenceChat chat, PreparedPrompt prompt, CudaExecutor cuda, ReferenceData reference, TextWriter log,
        List<string> failures)
    {
        int[] table = Enumerable.Range(0, (prompt.Length + 15) / 16).ToArray();
        var batch = new StepBatch([prompt.Chunk(0, 0, prompt.Length, table, null)], prompt.Encode);
        var gpu = cuda.LastTokenLogits(batch, sampledOnly: false, out _);
        double deviceMs = cuda.LastStepDeviceMilliseconds;
        foreach (var key in prompt.Keys) cuda.Execute(new StepBatch([], Release: [key]));
        var expected = reference.Floats(chat.Name + ".last_logits");
        double cosine = Cosine(gpu, expected), maxDiff = MaxAbsDifference(gpu, expected);
        int argmax = ArgMax(gpu), expectedArgmax = ArgMax(expected);
        log.WriteLine($"{chat.Name}: last logits cosine {cosine:F6} ({(cosine >= CosineFloor ? "pass" : "FAIL")}, floor {CosineFloor}), "
            + $"max |CUDA - HF| {maxDiff:E2} (|max HF| {MaxAbs(expected):F2}), argmax {argmax} vs HF {expectedArgmax}, "
            + $"prefill device {deviceMs:F2} ms");
        if (!(cosine >= CosineFloor)) failures.Add($"{chat.Name}: last-logit cosine {cosine:F6}");
    }

    private static void Greedy(ReferenceChat chat, PreparedPrompt prompt, CudaExecutor cuda, int blocks, Prompts prompts, TextWriter log,
        List<string> failures)
    {
        int n = chat.GreedyTokens.Length;
        var got = prompt.Greedy(cuda, blocks, stepTokens: 512, prompts.Tokenizer, EosTokenIds, n);
        var hf = new GreedyTrace(chat.GreedyTokens, chat.GreedyMargins);
        var agreement = GreedyAgreement.Compare(hf, got, ComparedTokens);
        if (!agreement.Passed)
            failures.Add($"{chat.Name}: greedy token {agreement.FirstDifference} differs (HF margin {chat.GreedyMargins[agreement.FirstDifference]:F4})");
        string verdict = $"{(agreement.Passed ? "pass" : "FAIL")}: first {ComparedTokens} under the margin rule: {agreement.Describe(hf, got, "HF")}";
        if (cuda.CachedImageCount != 0) failures.Add($"{chat.Name}: {cuda.CachedImageCount} images still held after generation");
        log.WriteLine($"{chat.Name}: greedy {n} tokens: {verdict}");
        log.WriteLine($"  CUDA [{string.Join(' ', got)}]");
        log.WriteLine($"  HF   [{string.Join(' ', chat.GreedyTokens)}]");
        log.WriteLine($"  HF top-2 margins [{string.Join(' ', chat.GreedyMargins.Select(m => m.ToString("F3")))}]");
    }

    private static int FirstDifference(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        return i;
    }

    private static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) return double.NaN;
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }

}
