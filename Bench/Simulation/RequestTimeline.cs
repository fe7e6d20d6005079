using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Bench.Simulation;

/// <summary>One simulated request in virtual time: when it arrived, when each of its tokens came, how it ended.</summary>
public sealed class RequestTimeline(DateTimeOffset arrived)
{
    private readonly List<DateTimeOffset> _tokens = [];

    public DateTimeOffset Arrived { get; } = arrived;

    public int PromptTokens { get; set; }

    /// <summary>The order in which the scheduler received it (1, 2, ...).</summary>
    public int Submission { get; set; }

    public IReadOnlyList<DateTimeOffset> Tokens => _tokens;

    public FinishReason? Finish { get; private set; }

    public DateTimeOffset? Finished { get; private set; }

    public void TokenAt(DateTimeOffset now) => _tokens.Add(now);

    public void FinishedAt(DateTimeOffset now, FinishedSequence sequence) => (Finished, Finish) = (now, sequence.Reason);
}
