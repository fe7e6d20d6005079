using QwenVL.Runtime.Execution;

namespace QwenVL.Runtime.Scheduling;

/// <summary>The step being put together: what is left of its budgets, its sequences and its images to encode.</summary>
internal sealed class StepPlan(int tokenBudget, int encoderBudget)
{
    public int TokenBudget { get; private set; } = tokenBudget;
    public int EncoderBudget { get; private set; } = encoderBudget;
    public bool EncoderUntouched { get; private set; } = true;
    public bool Preempted { get; set; }
    public List<SequenceStep> Steps { get; } = new();
    public List<ImageToEncode> Encode { get; } = new();

    public void Add(SequenceStep step)
    {
        Steps.Add(step);
        TokenBudget -= step.TokenIds.Length;
    }

    /// <summary>
    /// Whether an image of <paramref name="tokens"/> tokens fits what is left of the encoder budget. The
    /// first image of a step always fits, so an image larger than the whole budget still gets encoded.
    /// </summary>
    public bool EncoderFits(int tokens, int alreadyPlanned) =>
        (EncoderUntouched && alreadyPlanned == 0) || tokens + alreadyPlanned <= EncoderBudget;

    public void AddEncode(ImageToEncode image, int tokens)
    {
        Encode.Add(image);
        EncoderBudget -= tokens;
        EncoderUntouched = false;
    }
}
