using QwenVL.Actors;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Live;

/// <summary>
/// One live stream's memory: the statuses and time of its previous event, so that each event reports the interval
/// since then. Replicas are matched by name; one seen for the first time (or restarted) reports no counts until its
/// next event. Used by one stream at a time.
/// </summary>
public sealed class LiveSampler(string model)
{
    /// <summary>The name of the line that adds up every replica (<see cref="ReplicaStatus.Sum"/>).</summary>
    public const string TotalsName = "total";

    private Dictionary<string, ReplicaStatus> _previous = new(StringComparer.Ordinal);
    private DateTimeOffset? _previousTime;

    public LiveEvent Next(DateTimeOffset now, IReadOnlyList<KeyValuePair<string, ReplicaStatus>> replicas)
    {
        ArgumentNullException.ThrowIfNull(replicas);
        double seconds = _previousTime is { } then ? Math.Max(0, (now - then).TotalSeconds) : 0;
        var lines = new LiveReplica[replicas.Count];
        var befores = new ReplicaStatus[replicas.Count];
        var afters = new ReplicaStatus[replicas.Count];
        for (int i = 0; i < replicas.Count; i++)
        {
            var (name, after) = replicas[i];
            var before = _previous.GetValueOrDefault(name);
            if (before != null && Restarted(before, after)) before = null;
            lines[i] = LiveInterval.Between(name, before, after, seconds);
            // A replica without a previous status adds nothing to the totals' counts.
            (befores[i], afters[i]) = (before ?? after, after);
        }
        var totals = replicas.Count == 0
            ? LiveInterval.Empty(TotalsName)
            : LiveInterval.Between(TotalsName, _previousTime == null ? null : ReplicaStatus.Sum(befores), ReplicaStatus.Sum(afters), seconds);
        if (replicas.Count > 1) totals = totals with { Busy = lines.Average(l => l.Busy), TtftMs = null, TpotMs = null };
        _previous = replicas.ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        _previousTime = now;
        return new LiveEvent(now.ToUnixTimeMilliseconds() / 1000.0, Math.Round(seconds, 3), model, lines, totals);
    }

    /// <summary>Counters that went back: the replica started again (or another took its name).</summary>
    private static bool Restarted(ReplicaStatus before, ReplicaStatus after) =>
        after.Scheduler.GenerationTokens < before.Scheduler.GenerationTokens || (after.Activity?.Steps ?? 0) < (before.Activity?.Steps ?? 0);
}
