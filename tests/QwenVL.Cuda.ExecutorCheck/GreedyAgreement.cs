namespace QwenVL.Cuda.ExecutorCheck;

/// <summary>The greedy tokens a run chose and, for each, the top-2 margin of the logits it was chosen from.</summary>
internal sealed record GreedyTrace(int[] Tokens, double[] Margins)
{
    /// <summary>
    /// The highest logit's token (the lowest id among equal highest, as the host Sampler picks) and how far the
    /// second highest logit is below it. Non-finite logits throw: a broken kernel must not pass as a flat distribution.
    /// </summary>
    public static (int Token, double Margin) Choose(ReadOnlySpan<float> logits)
    {
        if (logits.Length < 2) throw new ArgumentException($"{logits.Length} logits: a margin needs at least two");
        int best = -1;
        float first = float.NegativeInfinity, second = float.NegativeInfinity;
        for (int i = 0; i < logits.Length; i++)
        {
            float v = logits[i];
            if (!float.IsFinite(v)) throw new InvalidOperationException($"logit {i} is {v}");
            if (best < 0 || v > first)
            {
                second = first;
                first = v;
                best = i;
            }
            else if (v > second)
            {
                second = v;
            }
        }
        return (best, (double)first - second);
    }
}

/// <summary>
/// How a run's greedy tokens agree with a reference run's under the checks' margin rule: step by step they must be
/// equal up to the first step whose reference top-2 margin is under <see cref="MarginFloor"/>. There the two best
/// logits are within a few bf16 steps of each other, so a GEMM of another shape (another batch, another library)
/// may round to the other token, and every later step continues from a different prefix.
/// </summary>
/// <param name="Steps">steps the rule could look at (the shorter of the runs and the limit)</param>
/// <param name="Compared">steps compared: [0, Compared)</param>
/// <param name="StoppedAt">the step whose reference margin stopped the rule, or -1 if it ran to <paramref name="Steps"/></param>
/// <param name="StopMargin">the reference margin at <paramref name="StoppedAt"/> (NaN when it did not stop)</param>
/// <param name="FirstDifference">the first step where the tokens differ, compared or not; -1 if none within the steps</param>
internal readonly record struct GreedyAgreement(int Steps, int Compared, int StoppedAt, double StopMargin, int FirstDifference)
{
    public const double MarginFloor = 0.05;

    /// <summary>True when every compared step has equal tokens (and the run has as many tokens as were asked for).</summary>
    public bool Passed => FirstDifference < 0 || FirstDifference >= Compared;

    /// <param name="reference">the run whose margins decide where comparing stops</param>
    /// <param name="tokens">the run under test</param>
    /// <param name="limit">compare at most this many steps (the criterion's count)</param>
    public static GreedyAgreement Compare(GreedyTrace reference, IReadOnlyList<int> tokens, int limit = int.MaxValue)
    {
        if (reference.Margins.Length != reference.Tokens.Length)
            throw new ArgumentException($"the reference has {reference.Tokens.Length} tokens but {reference.Margins.Length} margins");
        int steps = Math.Min(limit, reference.Tokens.Length);
        int difference = -1;
        for (int k = 0; k < steps && difference < 0; k++)
            if (k >= tokens.Count || tokens[k] != reference.Tokens[k]) difference = k;
        int stop = -1;
        for (int k = 0; k < steps && stop < 0; k++)
            if (!(reference.Margins[k] >= MarginFloor)) stop = k; // NaN stops too, and is reported
        return new GreedyAgreement(steps, stop < 0 ? steps : stop, stop, stop < 0 ? double.NaN : reference.Margins[stop], difference);
    }

    /// <summary>One line: what was compared, where the rule stopped and why, where the tokens first differ.</summary>
    public string Describe(GreedyTrace reference, IReadOnlyList<int> tokens, string referenceName)
    {
        string compared = Compared == 0 ? "no step compared" : $"steps 0-{Compared - 1} compared";
        string stop = StoppedAt < 0
            ? $"all {Steps} steps within the rule"
            : $"rule stops at step {StoppedAt} ({referenceName} top-2 margin {StopMargin:F4} < {MarginFloor})";
        string difference;
        if (FirstDifference < 0) difference = $"tokens equal through step {Steps - 1}";
        else
        {
            string got = FirstDifference < tokens.Count ? tokens[FirstDifference].ToString() : "none";
            difference = $"first difference at step {FirstDifference}: {got} vs {referenceName} {reference.Tokens[FirstDifference]} "
                + $"({referenceName} margin {reference.Margins[FirstDifference]:F4})"
                + (Passed ? ", after the rule stopped" : ", MISMATCH within the rule");
        }
        return $"{compared}; {stop}; {difference}";
    }
}
