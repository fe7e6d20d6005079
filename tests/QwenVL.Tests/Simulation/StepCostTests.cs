using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Vision;
using Xunit;
using QwenVL.Bench.CostModel;

namespace QwenVL.Tests.Simulation;

/// <summary>The cost model's terms of hand-built steps, each checked on its own, and their sum.</summary>
public class StepCostTests
{
    private static readonly StepCostProfile P = SimulationProfiles.Known;

    private static SequenceStep Step(long id, int tokens, int context, bool sample) =>
        new(id, new int[tokens], MRopePositions.ForText(context, tokens), new int[64], context, sample ? SimulationProfiles.Greedy : null);

    private static ImageToEncode Image(int h, int w) => new(new ImageKey($"{h}x{w}"), new PixelPatches([], 1, h, w));

    [Fact]
    public void A_prompt_chunk_that_does_not_sample_costs_its_tokens_their_context_and_the_kv_it_reads()
    {
        var shape = StepCost.Shape(new StepBatch([Step(1, 10, 100, sample: false)]));

        Assert.Equal(1, shape.Steps);
        Assert.Equal(10, shape.PrefillTokens);
        // Token i has 100 + i tokens before it: 10·100 + (0 + 1 + ... + 9) = 1,045.
        Assert.Equal(1.045, shape.PrefillContextKiloTokens, 12);
        Assert.Equal(0, shape.DecodeSequences);
        Assert.Equal(0.110, shape.KvKiloTokens, 12);
        Assert.Equal(0, shape.ImagePatches);
        Assert.Equal(2 + 10 * 0.1 + 1.045 * 0.01 + 0.110 * 0.3, StepCost.Milliseconds(P, shape), 12);
    }

    [Fact]
    public void The_last_chunk_of_a_prompt_is_prefill_although_it_samples()
    {
        var shape = StepCost.Shape(new StepBatch([Step(1, 4, 0, sample: true)]));
        Assert.Equal(4, shape.PrefillTokens);
        Assert.Equal(0.006, shape.PrefillContextKiloTokens, 12);
        Assert.Equal(0, shape.DecodeSequences);
    }

    [Fact]
    public void One_token_that_is_not_sampled_is_a_prompt_chunk_not_a_decode()
    {
        var shape = StepCost.Shape(new StepBatch([Step(1, 1, 300, sample: false)]));
        Assert.Equal(1, shape.PrefillTokens);
        Assert.Equal(0.3, shape.PrefillContextKiloTokens, 12);
        Assert.Equal(0, shape.DecodeSequences);
    }

    [Fact]
    public void A_decode_costs_its_sequence_and_the_kv_it_reads_and_no_prefill()
    {
        var shape = StepCost.Shape(new StepBatch([Step(1, 1, 999, sample: true), Step(2, 1, 499, sample: true)]));

        Assert.Equal(new StepShape(1, 0, 0, 2, 1.5, 0), shape);
        Assert.Equal(2 + 2 * 0.5 + 1.5 * 0.3, StepCost.Milliseconds(P, shape), 12);
    }

    [Fact]
    public void Images_cost_their_patches_and_encoding_alone_skips_the_step_overhead()
    {
        var shape = StepCost.Shape(new StepBatch([], [Image(4, 6), Image(8, 8)]));

        Assert.Equal(new StepShape(0, 0, 0, 0, 0, 24 + 64), shape);
        Assert.Equal(88 * 0.02, StepCost.Milliseconds(P, shape), 12);
    }

    [Fact]
    public void A_step_that_only_releases_images_costs_nothing()
    {
        var batch = new StepBatch([], null, [new ImageKey("gone")]);
        Assert.Equal(default, StepCost.Shape(batch));
        Assert.Equal(TimeSpan.Zero, StepCost.Duration(P, batch));
    }

    [Fact]
    public void A_mixed_step_costs_the_sum_of_its_parts_with_one_overhead()
    {
        var batch = new StepBatch([Step(1, 10, 100, sample: false), Step(2, 1, 999, sample: true), Step(3, 1, 499, sample: true)], [Image(4, 6)]);
        double expected = 2 + 10 * 0.1 + 1.045 * 0.01 + 2 * 0.5 + (0.110 + 1.5) * 0.3 + 24 * 0.02;

        Assert.Equal(expected, StepCost.Milliseconds(P, StepCost.Shape(batch)), 12);
        Assert.Equal(expected, StepCost.Duration(P, batch).TotalMilliseconds, 3);
    }

    [Fact]
    public void Terms_and_coefficients_line_up_with_the_cost()
    {
        var shape = new StepShape(1, 300, 12.5, 7, 3.25, 1024);
        Span<double> terms = stackalloc double[StepShape.TermCount];
        Span<double> coefficients = stackalloc double[StepShape.TermCount];
        shape.CopyTerms(terms);
        P.CopyCoefficients(coefficients);
        double dot = 0;
        for (int j = 0; j < StepShape.TermCount; j++) dot += terms[j] * coefficients[j];

        Assert.Equal(StepCost.Milliseconds(P, shape), dot, 12);
        Assert.Equal(P, P.WithCoefficients(coefficients));
    }
}
