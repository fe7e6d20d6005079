namespace QwenVL.Http.Protocol;

/// <summary>
/// One event of GET /v1/live: what each replica did over the interval since the stream's previous event, its queues
/// and KV cache now, and the cluster's totals. The first event of a stream has an interval of 0 and no rates.
/// </summary>
/// <param name="Time">when the event was made, in Unix seconds</param>
/// <param name="IntervalS">seconds since the stream's previous event (0 in the first)</param>
/// <param name="Replicas">one per replica: the local one when the node runs alone, every reporting worker in a cluster</param>
/// <param name="Totals">the replicas' figures added up; latency percentiles only when there is one replica</param>
public sealed record LiveEvent(double Time, double IntervalS, string Model, IReadOnlyList<LiveReplica> Replicas, LiveReplica Totals);

/// <summary>One replica over one interval (counts and rates) and at its end (queues, KV cache, the latest steps).</summary>
/// <param name="Replica">"local" when the node runs alone, else the worker's node address</param>
/// <param name="Steps">steps completed in the interval</param>
/// <param name="PrefillTokens">prompt tokens the interval's steps prefilled</param>
/// <param name="DecodeSequences">sequences the interval's steps decoded (one token each)</param>
/// <param name="PrefillTokensPerStep">mean prefill tokens per step</param>
/// <param name="DecodeSequencesPerStep">mean decoding sequences per step</param>
/// <param name="PrefillBudgetShare">the share of the steps' token budgets spent on prefill chunks, 0 to 1</param>
/// <param name="DecodeBudgetShare">the share spent on decodes, 0 to 1; the rest went unused</param>
/// <param name="Busy">the share of the interval the engine spent running steps, 0 to 1</param>
/// <param name="RecentSteps">the replica's latest steps (up to 64), oldest first</param>
/// <param name="Running">requests' sequences in the batch now</param>
/// <param name="Waiting">sequences waiting now, preempted ones included</param>
/// <param name="Preempted">waiting sequences that were preempted and wait to be recomputed</param>
/// <param name="Preemptions">preemptions in the interval</param>
/// <param name="KvCacheUsage">the share of KV blocks in use now, 0 to 1</param>
/// <param name="PrefixCacheHitRate">prompt tokens found in the prefix cache over those looked up in the interval, 0 to 1</param>
/// <param name="TtftMs">time to first token, from admission to the replica's queue, over the last 10 s</param>
/// <param name="TpotMs">time per output token after the first, per sequence finished in the last 10 s</param>
public sealed record LiveReplica(
    string Replica,
    long Steps,
    long PrefillTokens,
    long DecodeSequences,
    double PrefillTokensPerStep,
    double DecodeSequencesPerStep,
    double PrefillBudgetShare,
    double DecodeBudgetShare,
    double Busy,
    IReadOnlyList<LiveStep> RecentSteps,
    int Running,
    int Waiting,
    int Preempted,
    long Preemptions,
    double KvCacheUsage,
    double PrefixCacheHitRate,
    double PromptTokensPerS,
    double GenerationTokensPerS,
    LiveLatency? TtftMs,
    LiveLatency? TpotMs);

/// <summary>One step: prompt tokens prefilled and sequences decoded against its token budget.</summary>
public sealed record LiveStep(int PrefillTokens, int DecodeSequences, int Budget);

/// <summary>Nearest-rank percentiles in milliseconds over <paramref name="Count"/> sequences (all 0 when there were none).</summary>
public sealed record LiveLatency(int Count, double P50, double P90, double P99);
