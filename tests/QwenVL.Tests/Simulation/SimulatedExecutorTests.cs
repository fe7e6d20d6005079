using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Vision;
using Xunit;
using QwenVL.Bench.CostModel;
using QwenVL.Bench.Simulation;

namespace QwenVL.Tests.Simulation;

/// <summary>The simulated executor: repeatable tokens, sampling only where asked, image and KV bookkeeping, modelled time.</summary>
public class SimulatedExecutorTests
{
    private static readonly int[] Words = Enumerable.Range(100, 50).ToArray();

    private static readonly SamplingContext Greedy = SimulationProfiles.Greedy;

    private static SimulatedExecutor Executor(int seed = 1, int blocks = 64)
    {
        var executor = new SimulatedExecutor(SimulationProfiles.Spec(), SimulationProfiles.Known, seed, Words);
        executor.AllocateKvCache(blocks * executor.KvCacheBytesPerBlock);
        return executor;
    }

    /// <summary>Each of 8 sequences decodes 12 tokens, one step per token, all in the same steps.</summary>
    private static int[][] Generate(SimulatedExecutor executor)
    {
        var outputs = Enumerable.Range(0, 8).Select(_ => new List<int>()).ToArray();
        for (int position = 20; position < 32; position++)
        {
            var steps = Enumerable.Range(0, 8)
                .Select(s => new SequenceStep(s, [7], MRopePositions.ForText(position, 1), [8 * s, 8 * s + 1, 8 * s + 2], position, Greedy)).ToArray();
            var result = executor.Execute(new StepBatch(steps));
            for (int s = 0; s < 8; s++) outputs[s].Add(result.Tokens[s]!.Value.TokenId);
        }
        return outputs.Select(o => o.ToArray()).ToArray();
    }

    [Fact]
    public void The_same_seed_gives_the_same_tokens_and_another_seed_other_tokens()
    {
        var first = Generate(Executor(seed: 1));
        var again = Generate(Executor(seed: 1));
        var other = Generate(Executor(seed: 2));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.All(first.SelectMany(t => t), id => Assert.Contains(id, Words));
    }

    [Fact]
    public void Different_sequences_get_different_text()
    {
        var outputs = Generate(Executor());
        Assert.Equal(outputs.Length, outputs.Select(o => string.Join(',', o)).Distinct().Count());
    }

    [Fact]
    public void Only_the_sequences_that_ask_are_sampled()
    {
        using var executor = Executor();
        var batch = new StepBatch([
            new SequenceStep(1, [1, 2, 3], MRopePositions.ForText(0, 3), [0], 0, null),
            new SequenceStep(2, [1, 2, 3], MRopePositions.ForText(0, 3), [1], 0, Greedy),
            new SequenceStep(3, [4], MRopePositions.ForText(5, 1), [2], 5, null),
        ]);
        var tokens = executor.Execute(batch).Tokens;

        Assert.Equal(3, tokens.Length);
        Assert.Null(tokens[0]);
        Assert.NotNull(tokens[1]);
        Assert.Null(tokens[2]);
        Assert.Equal(0f, tokens[1]!.Value.Logprob);
        Assert.Null(tokens[1]!.Value.TopLogprobs);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(SamplingParams.MaxTopLogprobs)]
    public void Logprobs_when_asked_list_the_sampled_token_first_and_as_many_distinct_tokens_as_asked(int count)
    {
        using var executor = new SimulatedExecutor(SimulationProfiles.Spec(), SimulationProfiles.Known, 3, [100, 101, 100, 102]);
        executor.AllocateKvCache(4 * executor.KvCacheBytesPerBlock);
        var context = SimulationProfiles.Sampling(new SamplingParams { Temperature = 0, Logprobs = true, TopLogprobs = count });
        var token = executor.Execute(new StepBatch([new SequenceStep(1, [5], MRopePositions.ForText(3, 1), [0], 3, context)])).Tokens[0]!.Value;

        var top = token.TopLogprobs!;
        Assert.Equal(count, top.Length);
        Assert.Equal(count, top.Select(t => t.TokenId).Distinct().Count());
        if (count == 0) return;
        Assert.Equal(new TopLogprob(token.TokenId, 0f), top[0]);
        Assert.All(top.Skip(1), t => Assert.Equal(SimulatedExecutor.ImpossibleLogprob, t.Logprob));
    }

    [Fact]
    public void Images_are_held_from_their_encode_until_their_release_and_a_step_may_use_only_those()
    {
        using var executor = Executor();
        var patches = new PixelPatches([], 1, 4, 4);
        var image = new ImageToEncode(new ImageKey("picture"), patches);
        var prompt = new SequenceStep(1, new int[4], MRopePositions.ForText(0, 4), [0], 0, null, [new ImageSlice(0, image.Key, 0, 4)]);

        var missing = Assert.Throws<ArgumentException>(() => executor.Execute(new StepBatch([prompt])));
        Assert.Contains("was not encoded", missing.Message, StringComparison.Ordinal);

        executor.Execute(new StepBatch([prompt], [image]));
        Assert.Equal(1, executor.CachedImageCount);
        executor.Execute(new StepBatch([prompt], null, [image.Key]));
        Assert.Equal(0, executor.CachedImageCount);
        Assert.Throws<ArgumentException>(() => executor.Execute(new StepBatch([prompt])));
    }

    [Fact]
    public void Kv_blocks_are_bf16_blocks_of_the_model_unless_the_profile_gives_their_size()
    {
        var fromSpec = new SimulatedExecutor(SimulationProfiles.Spec(), SimulationProfiles.Known, 1, Words);
        Assert.Equal(8192, fromSpec.KvCacheBytesPerBlock);
        Assert.Equal(10, fromSpec.AllocateKvCache(10 * 8192 + 8191));
        Assert.Equal(10, fromSpec.KvBlocks);

        // The profile measured blocks of 16 tokens; the simulation runs blocks of 32, twice the bytes.
        var fromProfile = new SimulatedExecutor(SimulationProfiles.Spec(blockSize: 32), SimulationProfiles.Known with { KvBlockBytes = 1000 }, 1, Words);
        Assert.Equal(2000, fromProfile.KvCacheBytesPerBlock);
        Assert.Equal(3, fromProfile.AllocateKvCache(7000));
        Assert.Throws<ArgumentException>(() => fromProfile.AllocateKvCache(1999));
    }

    [Fact]
    public void Steps_are_refused_as_the_real_executors_refuse_them()
    {
        var unallocated = new SimulatedExecutor(SimulationProfiles.Spec(), SimulationProfiles.Known, 1, Words);
        var step = new SequenceStep(1, [1, 2], MRopePositions.ForText(15, 2), [0], 15, Greedy);
        Assert.Throws<InvalidOperationException>(() => unallocated.Execute(new StepBatch([step])));

        using var executor = Executor(blocks: 4);
        // Position 16 needs a second block of 16 tokens; the table has one.
        var past = Assert.Throws<ArgumentException>(() => executor.Execute(new StepBatch([step])));
        Assert.Contains("past the block table", past.Message, StringComparison.Ordinal);
        var outside = Assert.Throws<ArgumentException>(() => executor.Execute(new StepBatch([step with { BlockTable = [0, 4] }])));
        Assert.Contains("outside the cache", outside.Message, StringComparison.Ordinal);
        executor.Execute(new StepBatch([step with { BlockTable = [0, 3] }]));
    }

    [Fact]
    public void Each_step_reports_its_modelled_duration()
    {
        using var executor = Executor();
        Assert.Equal(TimeSpan.Zero, executor.LastStepDuration);
        var batch = new StepBatch([
            new SequenceStep(1, new int[10], MRopePositions.ForText(0, 10), [0], 0, null),
            new SequenceStep(2, [3], MRopePositions.ForText(40, 1), [1, 2, 3], 40, Greedy),
        ]);
        executor.Execute(batch);
        Assert.Equal(StepCost.Duration(SimulationProfiles.Known, batch), executor.LastStepDuration);
        Assert.True(executor.LastStepDuration > TimeSpan.FromMilliseconds(2));

        executor.Execute(new StepBatch([]));
        Assert.Equal(TimeSpan.Zero, executor.LastStepDuration);
    }

    [Fact]
    public void Token_ids_outside_the_vocabulary_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new SimulatedExecutor(SimulationProfiles.Spec(vocab: 100), SimulationProfiles.Known, 1, [5, 100]));
        Assert.Throws<ArgumentException>(() => new SimulatedExecutor(SimulationProfiles.Spec(), SimulationProfiles.Known, 1, []));
    }
}
