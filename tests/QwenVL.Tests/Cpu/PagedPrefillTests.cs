using QwenVL.Runtime.Cpu;
using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Positions;
using QwenVL.Tests.Fixtures;
using Xunit;
using Xunit.Abstractions;

namespace QwenVL.Tests.Cpu;

/// <summary>The paged KV cache: chunked prefill and batching must not change any sequence's logits.</summary>
public class PagedPrefillTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(16)]
    public void Chunked_prefill_gives_the_logits_of_one_pass(int chunk)
    {
        var ids = TinyReference.Instance.Chat("text_multiturn").InputIds;
        var onePass = Logits(TinyModel.NewExecutor(), ids, ids.Length, Scattered());
        var chunked = Logits(TinyModel.NewExecutor(), ids, chunk, Scattered());
        double err = ParityMath.MaxAbsDiff(onePass, chunked);
        output.WriteLine($"chunk {chunk}: max abs difference {err:E3}");
        Assert.True(err < Tolerance, $"chunk size {chunk} moves the logits by {err}");
    }

    [Fact]
    public void Sequences_batched_together_get_the_logits_they_get_alone()
    {
        var hello = TinyReference.Instance.Chat("text_hello").InputIds;
        var multi = TinyReference.Instance.Chat("text_multiturn").InputIds;
        int[][] prompts = [hello, multi, hello[..10], multi[..33]];
        int[][] tables = [[7, 3], [0, 5, 9, 11], [12], [1, 2, 4]];

        using var batched = TinyModel.NewExecutor();
        var steps = prompts.Select((p, i) => new SequenceStep(i, p, MRopePositions.ForText(0, p.Length), tables[i], 0, null)).ToArray();
        var together = batched.LastTokenLogits(new StepBatch(steps), sampledOnly: false, out var rows);
        Assert.Equal([0, 1, 2, 3], rows);

        int vocab = TinyModel.Directory.Config.Text.VocabSize;
        for (int i = 0; i < prompts.Length; i++)
        {
            var alone = Logits(TinyModel.NewExecutor(), prompts[i], prompts[i].Length, tables[i]);
            double err = ParityMath.MaxAbsDiff(alone, together.AsSpan(i * vocab, vocab));
            output.WriteLine($"sequence {i} ({prompts[i].Length} tokens): max abs difference {err:E3}");
            Assert.True(err < Tolerance, $"sequence {i} differs by {err} when batched");
        }
    }

    [Fact]
    public void Decode_after_prefill_matches_a_longer_prefill()
    {
        var ids = TinyReference.Instance.Chat("text_hello").InputIds;
        using var executor = TinyModel.NewExecutor();
        var table = Scattered();
        Logits(executor, ids[..^1], ids.Length, table);
        var last = new SequenceStep(0, [ids[^1]], MRopePositions.ForText(ids.Length - 1, 1), table, ids.Length - 1, null);
        var decoded = executor.LastTokenLogits(new StepBatch([last]), sampledOnly: false, out _);
        var full = Logits(TinyModel.NewExecutor(), ids, ids.Length, table);
        Assert.True(ParityMath.MaxAbsDiff(full, decoded) < Tolerance);
    }

    /// <summary>A block table whose blocks are neither adjacent nor in order.</summary>
    private static int[] Scattered() => [9, 2, 30, 5, 17, 40];

    private static float[] Logits(CpuExecutor executor, int[] ids, int chunk, int[] table)
    {
        float[] logits = [];
        for (int start = 0; start < ids.Length; start += chunk)
        {
            int n = Math.Min(chunk, ids.Length - start);
            var step = new SequenceStep(0, ids[start..(start + n)], MRopePositions.ForText(start, n), table, start, null);
            logits = executor.LastTokenLogits(new StepBatch([step]), sampledOnly: false, out _);
        }
        return logits;
    }
}
