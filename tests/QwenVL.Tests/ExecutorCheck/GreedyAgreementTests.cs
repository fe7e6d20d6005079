using QwenVL.Cuda.ExecutorCheck;
using Xunit;

namespace QwenVL.Tests.ExecutorCheck;

/// <summary>The margin rule the batch check and parity2b share: where it compares, where it stops, what fails.</summary>
public class GreedyAgreementTests
{
    private static GreedyTrace Reference(params double[] margins) => new(Enumerable.Range(10, margins.Length).ToArray(), margins);

    [Fact]
    public void Equal_tokens_with_wide_margins_are_compared_to_the_end()
    {
        var reference = Reference(0.3, 0.2, 0.1, 0.4);
        var agreement = GreedyAgreement.Compare(reference, [10, 11, 12, 13]);
        Assert.True(agreement.Passed);
        Assert.Equal((4, 4, -1, -1), (agreement.Steps, agreement.Compared, agreement.StoppedAt, agreement.FirstDifference));
        Assert.Contains("steps 0-3 compared; all 4 steps within the rule; tokens equal through step 3",
            agreement.Describe(reference, [10, 11, 12, 13], "alone"));
    }

    [Fact]
    public void A_difference_at_or_after_the_first_narrow_margin_passes()
    {
        var reference = Reference(0.3, 0.2, 0.0156, 0.4);
        var agreement = GreedyAgreement.Compare(reference, [10, 11, 99, 98]);
        Assert.True(agreement.Passed);
        Assert.Equal((2, 2, 2), (agreement.Compared, agreement.StoppedAt, agreement.FirstDifference));
        Assert.Equal(0.0156, agreement.StopMargin);
        Assert.Contains("after the rule stopped", agreement.Describe(reference, [10, 11, 99, 98], "HF"));
    }

    [Fact]
    public void A_difference_before_the_first_narrow_margin_fails()
    {
        var reference = Reference(0.3, 0.2, 0.06, 0.01);
        var agreement = GreedyAgreement.Compare(reference, [10, 11, 99, 13]);
        Assert.False(agreement.Passed);
        Assert.Equal((3, 3, 2), (agreement.Compared, agreement.StoppedAt, agreement.FirstDifference));
        Assert.Contains("MISMATCH within the rule", agreement.Describe(reference, [10, 11, 99, 13], "alone"));
    }

    [Fact]
    public void The_floor_itself_is_compared_and_a_margin_just_under_it_stops()
    {
        Assert.False(GreedyAgreement.Compare(Reference(0.05, 0.3), [99, 11]).Passed);
        Assert.True(GreedyAgreement.Compare(Reference(0.0499, 0.3), [99, 11]).Passed);
        Assert.Equal(0, GreedyAgreement.Compare(Reference(double.NaN, 0.3), [10, 11]).Compared);
    }

    [Fact]
    public void A_limit_bounds_the_steps_and_a_short_run_fails()
    {
        var reference = Reference(0.3, 0.3, 0.3, 0.3, 0.3);
        Assert.True(GreedyAgreement.Compare(reference, [10, 11, 12, 77, 78], limit: 3).Passed);
        Assert.Equal(-1, GreedyAgreement.Compare(reference, [10, 11, 12, 77, 78], limit: 3).FirstDifference);
        var shortRun = GreedyAgreement.Compare(reference, [10, 11]);
        Assert.False(shortRun.Passed);
        Assert.Equal(2, shortRun.FirstDifference);
    }

    [Fact]
    public void Choose_takes_the_lowest_id_of_a_tie_with_margin_zero_and_refuses_non_finite_logits()
    {
        Assert.Equal((1, 0.0), GreedyTrace.Choose([0.5f, 2f, -1f, 2f]));
        Assert.Equal((2, 1.5), GreedyTrace.Choose([0.5f, -3f, 2f]));
        Assert.Equal((0, 1.0), GreedyTrace.Choose([3f, 2f, 2f]));
        Assert.Throws<InvalidOperationException>(() => GreedyTrace.Choose([0.5f, float.NaN, 1f]));
        Assert.Throws<InvalidOperationException>(() => GreedyTrace.Choose([float.PositiveInfinity, 1f]));
    }
}
