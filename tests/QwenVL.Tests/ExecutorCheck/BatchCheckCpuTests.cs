using QwenVL.Cuda.ExecutorCheck;
using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Model;
using QwenVL.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.ExecutorCheck;

/// <summary>
/// The batch check's logic (ExecutorCheck batch) on the CPU executor and the tiny fixture: 8 mixed requests batched
/// must agree with each run alone under the margin rule, with the prompts in one step and in chunks; and a batching
/// bug (two sequences trading a KV block at decode) must make it fail.
/// </summary>
public class BatchCheckCpuTests(ITestOutputHelper output)
{
    private sealed record Setup(IReadOnlyList<BatchRequest> Requests, BlockPlan Plan, GreedyTrace[] Alone, int PromptTokens);

    // The runs alone are the same for every test: done once.
    private static readonly Lazy<Setup> Shared = new(() =>
    {
        var requests = BatchRequests.Build(TinyModel.Directory, new Prompts(TinyModel.Directory));
        var plan = BlockPlan.For(requests, CpuExecutor.DefaultBlockSize, BatchCheck.Tokens);
        using var executor = TinyModel.NewExecutor(plan.Blocks);
        var alone = BatchCheck.Alone(executor, LastLogits(executor), requests, plan, maxTokensPerStep: 4096);
        return new Setup(requests, plan, alone, requests.Sum(r => r.Prompt.Length));
    });

    private static SampledLogits LastLogits(CpuExecutor executor) => batch => executor.LastTokenLogits(batch, sampledOnly: true, out _);

    [Fact]
    public void The_requests_are_the_fixtures_six_chats_and_two_generated_ones_sharing_a_picture()
    {
        var requests = Shared.Value.Requests;
        Assert.Equal(BatchRequests.Count, requests.Count);
        Assert.Equal(["text_hello", "text_multiturn", "image_seed_question", "image_two", "image_tall_jpeg", "image_tall_png",
            "gen_image_224", "gen_image_224_again"], requests.Select(r => r.Name));
        Assert.Equal(requests[6].Prompt.Keys, requests[7].Prompt.Keys);
        var tables = Shared.Value.Plan.Alone.Concat(Shared.Value.Plan.Batched).SelectMany(t => t).ToArray();
        Assert.Equal(tables.Length, tables.Distinct().Count()); // no block is in two tables
    }

    [Fact]
    public void Without_a_reference_all_eight_are_generated_and_fit_one_default_step()
    {
        // A 2B checkpoint made with --no-reference: the tiny fixture's files without reference.json (nor weights).
        var dir = Directory.CreateTempSubdirectory("batch-requests-");
        try
        {
            foreach (var name in new[] { "config.json", "generation_config.json", "preprocessor_config.json", "tokenizer.json",
                         "tokenizer_config.json", "chat_template.json" })
                File.Copy(Path.Combine(FixturePaths.TinyModel, name), Path.Combine(dir.FullName, name));
            var model = ModelDirectory.Open(dir.FullName);
            var requests = BatchRequests.Build(model, new Prompts(model));
            foreach (var r in requests) output.WriteLine($"{r.Name}: {r.Prompt.Length} tokens, {r.Prompt.Patches.Length} image(s)");
            Assert.Equal(BatchRequests.Count, requests.Count);
            Assert.All(requests, r => Assert.StartsWith("gen_", r.Name));
            Assert.Equal(3, requests.Count(r => r.Prompt.Patches.Length == 0));
            var big = requests.Single(r => r.Name == "gen_image_448");
            Assert.Equal(256, big.Prompt.Patches[0].TokenCount(2));
            Assert.Equal(281, big.Prompt.Length); // as hf_reference_2b.py's image_448_question: same template and question
            Assert.InRange(requests.Sum(r => r.Prompt.Length), 1, 2048);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Batched_in_one_step_agrees_with_alone_under_the_margin_rule()
    {
        var setup = Shared.Value;
        var (run, failures, agreements) = RunBatched(setup, maxTokensPerStep: setup.PromptTokens, e => e);
        Assert.Equal(1, run.PrefillSteps);
        Assert.Equal(BatchCheck.Tokens, run.Steps);
        Assert.Equal(setup.PromptTokens, run.LargestStep);
        Assert.Empty(failures);
        Assert.True(agreements.Sum(a => a.Compared) >= 4 * BatchRequests.Count,
            $"only {agreements.Sum(a => a.Compared)} steps compared: the rule hardly looked at anything");
    }

    [Fact]
    public void The_whole_check_passes_with_the_CPU_executor_under_test_and_as_reference()
    {
        var setup = Shared.Value;
        using var executor = TinyModel.NewExecutor(setup.Plan.Blocks);
        var log = new StringWriter();
        bool passed = BatchCheck.Check(setup.Requests, executor, LastLogits(executor), "CPU", setup.Plan, setup.PromptTokens,
            () => new CpuExecutor(TinyModel.Weights, TinyModel.Vision), log);
        output.WriteLine(log.ToString());
        Assert.True(passed);
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("batch: PASS", lines[^1].TrimEnd());
        Assert.Contains(lines, l => l.StartsWith("CPU batched vs CPU alone", StringComparison.Ordinal));
        Assert.Equal(2 * BatchRequests.Count, lines.Count(l => l.TrimStart().StartsWith("ok ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Batched_with_prompts_in_chunks_agrees_with_alone_under_the_margin_rule()
    {
        var (run, failures, _) = RunBatched(Shared.Value, maxTokensPerStep: 48, e => e);
        Assert.True(run.PrefillSteps > 5, $"{run.PrefillSteps} prefill steps");
        Assert.True(run.LargestStep <= 48);
        Assert.Empty(failures);
    }

    [Fact]
    public void Two_sequences_trading_a_block_at_decode_fail_the_check_and_only_they()
    {
        var (_, failures, agreements) = RunBatched(Shared.Value, maxTokensPerStep: Shared.Value.PromptTokens, e => new SwappedBlocksAtDecode(e));
        Assert.NotEmpty(failures);
        Assert.False(agreements[0].Passed && agreements[1].Passed);
        Assert.All(agreements.Skip(2), a => Assert.True(a.Passed));
    }

    private (BatchedRun Run, List<string> Failures, GreedyAgreement[] Agreements) RunBatched(Setup setup, int maxTokensPerStep,
        Func<IModelExecutor, IModelExecutor> wrap)
    {
        using var cpu = TinyModel.NewExecutor(setup.Plan.Blocks);
        var executor = wrap(cpu);
        var run = GreedyRuns.Batched(executor, setup.Requests, setup.Plan.Batched, firstId: 100, maxTokensPerStep, BatchCheck.Tokens);
        var log = new StringWriter();
        var failures = new List<string>();
        var agreements = BatchCheck.Compare("CPU batched vs CPU alone", setup.Requests, setup.Alone, "alone", run.Tokens, log, failures);
        output.WriteLine(log.ToString());
        Assert.Equal(0, cpu.CachedImageCount);
        return (run, failures, agreements);
    }

    /// <summary>A batching bug on purpose: in decode-only steps the first two sequences trade one KV block.</summary>
    private sealed class SwappedBlocksAtDecode(IModelExecutor inner) : IModelExecutor
    {
        public ModelSpec Spec => inner.Spec;
        public long KvCacheBytesPerBlock => inner.KvCacheBytesPerBlock;
        public int AllocateKvCache(long bytes) => inner.AllocateKvCache(bytes);
        public int CachedImageCount => inner.CachedImageCount;

        public StepResult Execute(StepBatch batch)
        {
            var s = batch.Sequences;
            if (s.Count < 2 || s.Any(x => x.TokenIds.Length != 1)) return inner.Execute(batch);
            // The second block, not the first: the first 16 tokens are the same system turn in every chat, so their
            // keys and values are too; the tables differ in length, so whole tables cannot be swapped.
            int[] a = (int[])s[0].BlockTable.Clone(), b = (int[])s[1].BlockTable.Clone();
            (a[1], b[1]) = (b[1], a[1]);
            var swapped = s.ToArray();
            swapped[0] = s[0] with { BlockTable = a };
            swapped[1] = s[1] with { BlockTable = b };
            return inner.Execute(batch with { Sequences = swapped });
        }

        public void Dispose() { }
    }
}
