namespace QwenVL.Runtime.Execution;

/// <summary>
/// Steps that take modelled time rather than the time they really ran: a simulation hands one to its replica, whose
/// engine reads <see cref="LastStepDuration"/> after each <see cref="IModelExecutor.Execute"/> and lets that much virtual
/// time pass. Kept apart from <see cref="IModelExecutor"/> because real executors take the time they take.
/// </summary>
public interface IModelledStepDuration
{
    /// <summary>How long the last <see cref="IModelExecutor.Execute"/> would have taken on the hardware modelled; zero before the first.</summary>
    TimeSpan LastStepDuration { get; }
}
