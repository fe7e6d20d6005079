using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors;

/// <summary>
/// Times each sequence through its replica's scheduler: time to first token from its admission to the queue to the
/// end of the step that sampled its first token, and time per output token as the mean gap between its later tokens
/// (a sequence with one token has none). Both are seen where the replica runs, so a cluster's frontend gets each
/// replica's own figures; they leave out what comes before admission (HTTP, tokenizing, image decoding), which the
/// edge's /metrics histograms include. Owned by the scheduler actor; nothing is allocated per token.
/// </summary>
public sealed class SequenceLatencies
{
    /// <summary>Percentiles cover the sequences that got their first token (or finished) in the last ten seconds.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private const int Capacity = 4096;

    private readonly Dictionary<SequenceId, Clock> _live = new();

    public LatencyWindow TimeToFirstToken { get; } = new(Capacity, Window);
    public LatencyWindow TimePerOutputToken { get; } = new(Capacity, Window);

    public void Submitted(SequenceId id, DateTimeOffset now) => _live[id] = new Clock(now.UtcTicks, 0);

    public void TokenGenerated(SequenceId id, DateTimeOffset now)
    {
        ref var clock = ref CollectionsMarshal.GetValueRefOrNullRef(_live, id);
        if (Unsafe.IsNullRef(ref clock) || clock.FirstTokenTicks != 0) return;
        clock.FirstTokenTicks = now.UtcTicks;
        TimeToFirstToken.Add(now, TimeSpan.FromTicks(now.UtcTicks - clock.SubmittedTicks).TotalSeconds);
    }

    public void Finished(FinishedSequence finished, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(finished);
        if (!_live.Remove(finished.Id, out var clock) || clock.FirstTokenTicks == 0 || finished.OutputTokens < 2) return;
        double decoding = TimeSpan.FromTicks(now.UtcTicks - clock.FirstTokenTicks).TotalSeconds;
        TimePerOutputToken.Add(now, decoding / (finished.OutputTokens - 1));
    }

    /// <summary>An aborted or failed sequence leaves no time per output token.</summary>
    public void Forget(SequenceId id) => _live.Remove(id);

    private struct Clock(long submittedTicks, long firstTokenTicks)
    {
        public long SubmittedTicks = submittedTicks;
        public long FirstTokenTicks = firstTokenTicks;
    }
}
