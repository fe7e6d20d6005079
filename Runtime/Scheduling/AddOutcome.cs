namespace QwenVL.Runtime.Scheduling;

/// <summary>What <see cref="Scheduler.Add"/> did with a sequence.</summary>
public enum AddOutcome
{
    Accepted,
    /// <summary>The waiting queue holds <see cref="SchedulerConfig.MaxWaiting"/> sequences already.</summary>
    QueueFull,
    /// <summary>The prompt reaches the maximum model length, or prompt and output need more blocks than the cache holds.</summary>
    TooLong,
}
