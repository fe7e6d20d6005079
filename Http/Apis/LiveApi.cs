using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using QwenVL.Actors;
using QwenVL.Cluster;
using QwenVL.Http.Configuration;
using QwenVL.Http.Errors;
using QwenVL.Http.Live;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Apis;

/// <summary>
/// GET /v1/live: the scheduler's live view as server-sent events, one <see cref="LiveEvent"/> a second, for the
/// dashboard. Each stream keeps its own previous figures, so any number of viewers see whole intervals. The stream ends
/// when the client goes away and when the server begins to stop, so an open dashboard never holds up a shutdown.
/// </summary>
public static class LiveApi
{
    public const string Path = "/v1/live";

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static IEndpointRouteBuilder MapLive(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, GetLive)
            .WithTags("Server")
            .WithName("Live")
            .WithSummary("The scheduler's live view: one JSON event a second (server-sent events)")
            .WithDescription(
                "A text/event-stream of `data: {json}` events, about one a second, until the client disconnects. Each event: " +
                "time (Unix seconds), interval_s (since the previous event; 0 in the first), model, replicas (one per replica: " +
                "the local one, or every worker of a cluster) and totals. Per replica: replica (name), steps, prefill_tokens, " +
                "decode_sequences (counts over the interval), prefill_tokens_per_step, decode_sequences_per_step, prefill_budget_share, " +
                "decode_budget_share (shares of the steps' token budgets), busy (share of the interval spent in steps), recent_steps " +
                "(the latest 64 steps' prefill_tokens, decode_sequences and budget, oldest first), running, waiting, preempted " +
                "(sequences now), preemptions (in the interval), kv_cache_usage, prefix_cache_hit_rate (0 to 1), prompt_tokens_per_s, " +
                "generation_tokens_per_s, ttft_ms and tpot_ms ({count, p50, p90, p99} over the sequences of the last 10 s). " +
                "With --api-key the key may also be passed as ?api_key=KEY, since a browser's EventSource cannot send headers.")
            .Produces<LiveEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesOpenAiErrors(StatusCodes.Status401Unauthorized);
        return app;
    }

    public static ServerSentEventsResult<LiveEvent> GetLive([AsParameters] LiveServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        return TypedResults.ServerSentEvents(EventsAsync(services, cancellationToken));
    }

    /// <summary>An event now, then one each <see cref="Interval"/> until the client or the server stops.</summary>
    public static async IAsyncEnumerable<LiveEvent> EventsAsync(LiveServices services, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, services.Lifetime.ApplicationStopping);
        using var timer = new PeriodicTimer(Interval, services.Time);
        var sampler = new LiveSampler(services.Model.PrimaryName);
        do
        {
            var statuses = await LiveStatuses.ReadAsync(services.Completions, services.Membership, ServerInfoApi.HealthTimeout, stop.Token);
            if (stop.IsCancellationRequested) yield break;
            yield return sampler.Next(services.Time.GetUtcNow(), statuses);
        }
        while (await TickAsync(timer, stop.Token));
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>What the live stream reads, bound from the container in one piece; the replica and the cluster are optional.</summary>
public sealed record LiveServices(
    [FromServices] ServedModel Model,
    [FromServices] IHostApplicationLifetime Lifetime,
    [FromServices] TimeProvider Time,
    [FromServices] ICompletionService? Completions = null,
    [FromServices] IClusterMembership? Membership = null);
