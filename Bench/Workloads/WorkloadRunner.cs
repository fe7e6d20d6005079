using System.Diagnostics;
using QwenVL.Actors.Messages;
using QwenVL.Actors;
using QwenVL.Bench.Load;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// Runs a workload through the serving stack as clients would: every request submitted at once, each read as a stream
/// of events, timed as its first token and its end arrive.
/// </summary>
public static class WorkloadRunner
{
    public static async Task<WorkloadResult> RunAsync(ICompletionService service, BenchWorkload workload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(workload);
        var before = await service.GetStatusAsync(cancellationToken);
        long start = Stopwatch.GetTimestamp();
        // Each call runs until its first await, which is after its request went to the replica: all are submitted here.
        var runs = workload.Requests.Select(r => RunOneAsync(service, r, start, cancellationToken)).ToArray();
        var timings = await Task.WhenAll(runs);
        var after = await service.GetStatusAsync(cancellationToken);
        foreach (var (request, timing) in workload.Requests.Zip(timings))
        {
            if (timing.NewTokens != workload.NewTokensPerRequest)
                throw new BenchRunException($"{request.RequestId} generated {timing.NewTokens} tokens, not {workload.NewTokensPerRequest}");
        }
        return WorkloadResult.From(timings, workload.NewTokensPerRequest, after.Scheduler.Preemptions - before.Scheduler.Preemptions);
    }

    private static async Task<RequestTiming> RunOneAsync(ICompletionService service, GenerateRequest request, long start, CancellationToken cancellationToken)
    {
        double? first = null;
        int tokens = 0;
        CompletionFinished? summary = null;
        double finished = 0;
        await foreach (var e in service.GenerateAsync(request, cancellationToken))
        {
            switch (e)
            {
                case TextDelta delta when delta.Tokens.Count > 0:
                    first ??= Stopwatch.GetElapsedTime(start).TotalSeconds;
                    tokens += delta.Tokens.Count;
                    break;
                case CompletionFinished done:
                    finished = Stopwatch.GetElapsedTime(start).TotalSeconds;
                    summary = done;
                    break;
                case CompletionFailed failed:
                    throw new BenchRunException($"{request.RequestId} failed ({failed.Kind}): {failed.Message}");
            }
        }
        if (summary == null || first == null) throw new BenchRunException($"{request.RequestId} ended without {(first == null ? "a token" : "its summary")}");
        if (summary.CompletionTokens != tokens)
            throw new BenchRunException($"{request.RequestId} streamed {tokens} tokens but reports {summary.CompletionTokens}");
        return new RequestTiming(summary.PromptTokens, tokens, summary.CachedPromptTokens, first.Value, finished);
    }
}
