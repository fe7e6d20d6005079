using System.Diagnostics;
using System.Text;
using QwenVL.Actors.Messages;
using QwenVL.Actors;
using QwenVL.Bench.Load;
using QwenVL.Runtime.Generation;

namespace QwenVL.Bench.Workloads;

/// <summary>The figures of a workload run and what each of its requests produced, in the workload's order.</summary>
public sealed record WorkloadRun(WorkloadResult Result, IReadOnlyList<RequestOutput> Outputs);

/// <summary>
/// Runs a workload through the serving stack as clients would: every request submitted at once, each read as a stream
/// of events, timed as its first token and its end arrive.
/// </summary>
public static class WorkloadRunner
{
    public static async Task<WorkloadResult> RunAsync(ICompletionService service, BenchWorkload workload, CancellationToken cancellationToken = default) =>
        (await RunWithOutputsAsync(service, workload, cancellationToken)).Result;

    /// <summary>As <see cref="RunAsync"/>, keeping each request's output. A workload that is not constrained must
    /// generate exactly its tokens per request; a constrained one at most that many.</summary>
    public static async Task<WorkloadRun> RunWithOutputsAsync(ICompletionService service, BenchWorkload workload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(workload);
        var before = await service.GetStatusAsync(cancellationToken);
        long start = Stopwatch.GetTimestamp();
        // Each call runs until its first await, which is after its request went to the replica: all are submitted here.
        var runs = workload.Requests.Select(r => RunOneAsync(service, r, start, cancellationToken)).ToArray();
        var finished = await Task.WhenAll(runs);
        var after = await service.GetStatusAsync(cancellationToken);
        foreach (var (request, (timing, _)) in workload.Requests.Zip(finished))
        {
            bool counted = workload.IsConstrained ? timing.NewTokens <= workload.NewTokensPerRequest : timing.NewTokens == workload.NewTokensPerRequest;
            if (!counted)
                throw new BenchRunException($"{request.RequestId} generated {timing.NewTokens} tokens, not {(workload.IsConstrained ? "at most " : "")}{workload.NewTokensPerRequest}");
        }
        var result = WorkloadResult.From(finished.Select(f => f.Timing).ToArray(), workload.NewTokensPerRequest,
            after.Scheduler.Preemptions - before.Scheduler.Preemptions);
        return new WorkloadRun(result, finished.Select(f => f.Output).ToArray());
    }

    private static async Task<(RequestTiming Timing, RequestOutput Output)> RunOneAsync(ICompletionService service, GenerateRequest request, long start,
        CancellationToken cancellationToken)
    {
        double? first = null;
        var text = new StringBuilder();
        var tokenIds = new List<int>();
        var reason = FinishReason.Length;
        CompletionFinished? summary = null;
        double finished = 0;
        await foreach (var e in service.GenerateAsync(request, cancellationToken))
        {
            switch (e)
            {
                case TextDelta delta:
                    text.Append(delta.Text);
                    if (delta.Tokens.Count == 0) break;
                    first ??= Stopwatch.GetElapsedTime(start).TotalSeconds;
                    foreach (var token in delta.Tokens) tokenIds.Add(token.TokenId);
                    break;
                case ChoiceFinished choice:
                    reason = choice.Reason;
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
        if (summary.CompletionTokens != tokenIds.Count)
            throw new BenchRunException($"{request.RequestId} streamed {tokenIds.Count} tokens but reports {summary.CompletionTokens}");
        return (new RequestTiming(summary.PromptTokens, tokenIds.Count, summary.CachedPromptTokens, first.Value, finished),
            new RequestOutput(text.ToString(), tokenIds, reason));
    }
}
