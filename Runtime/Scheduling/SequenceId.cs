namespace QwenVL.Runtime.Scheduling;

/// <summary>Names one sequence (one choice of one request) for as long as the scheduler knows it.</summary>
public readonly record struct SequenceId(long Value)
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
