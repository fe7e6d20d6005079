using System.Diagnostics;
using System.Globalization;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Actors;

/// <summary>The periodic one-line summary a vLLM user knows, from counters kept between two lines.</summary>
internal sealed class StatusLine(int replicaIndex)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _promptTokensAtLast, _generationTokensAtLast, _queriesAtLast, _hitsAtLast;
    private TimeSpan _last;

    public string Format(SchedulerStats s)
    {
        var now = _clock.Elapsed;
        double seconds = Math.Max((now - _last).TotalSeconds, 1e-3);
        double prompt = (s.PromptTokensComputed - _promptTokensAtLast) / seconds;
        double generation = (s.GenerationTokens - _generationTokensAtLast) / seconds;
        long queries = s.PrefixCacheQueries - _queriesAtLast, hits = s.PrefixCacheHits - _hitsAtLast;
        double hitRate = queries > 0 ? 100.0 * hits / queries : 0;
        (_last, _promptTokensAtLast, _generationTokensAtLast, _queriesAtLast, _hitsAtLast) =
            (now, s.PromptTokensComputed, s.GenerationTokens, s.PrefixCacheQueries, s.PrefixCacheHits);
        return string.Format(CultureInfo.InvariantCulture,
            "Engine {0:000}: Avg prompt throughput: {1:F1} tokens/s, Avg generation throughput: {2:F1} tokens/s, " +
            "Running: {3} reqs, Waiting: {4} reqs, GPU KV cache usage: {5:F1}%, Prefix cache hit rate: {6:F1}%",
            replicaIndex, prompt, generation, s.Running, s.Waiting, 100 * s.KvCacheUsage, hitRate);
    }
}
