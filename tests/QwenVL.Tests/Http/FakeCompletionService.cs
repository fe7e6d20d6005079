using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using QwenVL.Actors;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Tests.Http;

/// <summary>
/// Stands in for the replica behind the HTTP edge: answers every request with a scripted event stream, records the
/// requests it was given, and reports when a request's token was cancelled and when its stream was disposed.
/// </summary>
public sealed class FakeCompletionService(FakeCompletionService.Script script) : ICompletionService
{
    public delegate IAsyncEnumerable<CompletionEvent> Script(GenerateRequest request, CancellationToken cancellationToken);

    public ConcurrentQueue<GenerateRequest> Requests { get; } = new();

    /// <summary>Completes when the token of any request is cancelled.</summary>
    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the stream of any request is disposed.</summary>
    public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ReplicaStatus Status { get; set; } = new(new SchedulerStats(Running: 3, Waiting: 2, Preemptions: 1, KvCacheUsage: 0.25,
        PrefixCacheQueries: 100, PrefixCacheHits: 40, PromptTokensComputed: 1234, GenerationTokens: 567, Steps: 0, PeakBlocksInUse: 20,
        Preempted: 0, TotalBlocks: 64, FreeBlocks: 48));

    /// <summary>When set, GetStatusAsync throws it (a replica that does not answer).</summary>
    public Exception? StatusFailure { get; set; }

    /// <summary>Replies to every request with <paramref name="events"/>.</summary>
    public static FakeCompletionService Replying(params CompletionEvent[] events) => new((_, _) => Events(events));

    public static async IAsyncEnumerable<CompletionEvent> Events(IEnumerable<CompletionEvent> events)
    {
        foreach (var e in events)
        {
            await Task.Yield();
            yield return e;
        }
    }

    /// <summary>Sends <paramref name="events"/>, then waits until the request is cancelled.</summary>
    public static async IAsyncEnumerable<CompletionEvent> ThenHang(IEnumerable<CompletionEvent> events,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var e in events) yield return e;
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    public async IAsyncEnumerable<CompletionEvent> GenerateAsync(GenerateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        using var registration = cancellationToken.Register(() => Cancelled.TrySetResult());
        try
        {
            await foreach (var e in script(request, cancellationToken).WithCancellation(cancellationToken)) yield return e;
        }
        finally
        {
            Disposed.TrySetResult();
        }
    }

    private int _statusReads;

    /// <summary>How many times the status was asked for.</summary>
    public int StatusReads => Volatile.Read(ref _statusReads);

    public Task<ReplicaStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _statusReads);
        return StatusFailure is { } failure ? Task.FromException<ReplicaStatus>(failure) : Task.FromResult(Status);
    }
}
