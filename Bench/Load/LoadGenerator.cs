using System.Diagnostics;

namespace QwenVL.Bench.Load;

/// <summary>The outcomes of a run, in request order, and how long it took from the first send to the last answer.</summary>
public sealed record LoadRun(IReadOnlyList<RequestOutcome> Outcomes, double DurationSeconds);

/// <summary>
/// Sends requests at their arrival times, as benchmark_serving does: request i starts at its offset from the start
/// whether or not earlier ones have finished (open loop), and with a concurrency cap it then waits for a free slot, in
/// arrival order, before it is sent — its latencies count from the send, the wait only lengthens the run.
/// The duration ends when the last request has finished.
/// </summary>
public static class LoadGenerator
{
    public static async Task<LoadRun> RunAsync(IReadOnlyList<BenchRequest> requests, IReadOnlyList<double> offsetsSeconds, int? maxConcurrency,
        Func<BenchRequest, CancellationToken, Task<RequestOutcome>> send, Action<RequestOutcome>? completed = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(offsetsSeconds);
        ArgumentNullException.ThrowIfNull(send);
        if (offsetsSeconds.Count != requests.Count) throw new ArgumentException("one arrival time per request", nameof(offsetsSeconds));
        if (maxConcurrency is <= 0) throw new ArgumentOutOfRangeException(nameof(maxConcurrency), maxConcurrency, "must be positive");
        using var slots = maxConcurrency is { } cap ? new SemaphoreSlim(cap, cap) : null;
        var tasks = new Task<RequestOutcome>[requests.Count];
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < requests.Count; i++)
        {
            // A timer may fire a little early by the stopwatch: wait again for what is left, so no request goes out before its time.
            TimeSpan wait;
            while ((wait = TimeSpan.FromSeconds(offsetsSeconds[i]) - Stopwatch.GetElapsedTime(start)) > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);
            var request = requests[i];
            // On the thread pool, so a send's synchronous start (headers, connection set-up) never delays the next arrival.
            tasks[i] = Task.Run(() => SendInTurnAsync(request), cancellationToken);
        }
        var outcomes = await Task.WhenAll(tasks);
        return new LoadRun(outcomes, Stopwatch.GetElapsedTime(start).TotalSeconds);

        async Task<RequestOutcome> SendInTurnAsync(BenchRequest request)
        {
            if (slots != null) await slots.WaitAsync(cancellationToken);
            try
            {
                var outcome = await send(request, cancellationToken);
                completed?.Invoke(outcome);
                return outcome;
            }
            finally
            {
                slots?.Release();
            }
        }
    }
}
