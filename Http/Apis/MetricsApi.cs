using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using QwenVL.Actors;
using QwenVL.Cluster.Messages;
using QwenVL.Cluster;
using QwenVL.Http.Configuration;
using QwenVL.Http.Metrics;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Scheduling;

namespace QwenVL.Http.Apis;

/// <summary>
/// GET /metrics in Prometheus' text format, with vLLM's metric names and a model_name label: the replica's gauges
/// and counters from its status, the latency histograms the edge measures. Open without the API key, as in vLLM.
/// </summary>
public static partial class MetricsApi
{
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        app.MapGet("/metrics", GetMetrics)
            .WithTags("Server")
            .WithName("Metrics")
            .WithSummary("Prometheus metrics, named as vLLM's")
            .Produces<string>(StatusCodes.Status200OK, PrometheusTextWriter.ContentType);
        return app;
    }

    /// <remarks>Without a completion service (or while it does not answer) a scrape still gets the edge's metrics.</remarks>
    public static async Task<ContentHttpResult> GetMetrics([FromServices] ServingMetrics metrics, [FromServices] ServedModel model,
        [FromServices] ICompletionService? completions, [FromServices] ILogger<ServingMetrics> logger, CancellationToken cancellationToken,
        [FromServices] IClusterMembership? membership = null)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(model);
        var writer = PrometheusTextWriter.WithModelName(model.PrimaryName);
        var status = completions == null ? null : await ReadAsync(completions.GetStatusAsync, logger, cancellationToken);
        if (status != null) WriteReplica(writer, status.Scheduler);
        if (membership != null && await ReadAsync(membership.GetViewAsync, logger, cancellationToken) is { } view) ClusterMetrics.Write(writer, view);
        WriteEdge(writer, metrics);
        return TypedResults.Text(writer.ToString(), PrometheusTextWriter.ContentType);
    }

    /// <summary>Asks with the health probe's timeout; a failure is logged and gives null, so the scrape still answers.</summary>
    private static async Task<T?> ReadAsync<T>(Func<CancellationToken, Task<T>> read, ILogger logger, CancellationToken cancellationToken)
        where T : class
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ServerInfoApi.HealthTimeout);
        try
        {
            return await read(timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogStatusUnavailable(logger, e);
            return null;
        }
    }

    private static void WriteReplica(PrometheusTextWriter w, SchedulerStats s)
    {
        w.Gauge("vllm:num_requests_running", "Number of requests in model execution batches.", s.Running);
        w.Gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", s.Waiting);
        w.Gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", s.KvCacheUsage);
        w.Counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.", s.PromptTokensComputed);
        w.Counter("vllm:generation_tokens_total", "Number of generation tokens processed.", s.GenerationTokens);
        w.Counter("vllm:prefix_cache_queries_total", "Prefix cache queries, in terms of number of queried tokens.", s.PrefixCacheQueries);
        w.Counter("vllm:prefix_cache_hits_total", "Prefix cache hits, in terms of number of cached tokens.", s.PrefixCacheHits);
        w.Counter("vllm:num_preemptions_total", "Cumulative number of preemption from the engine.", s.Preemptions);
    }

    private static void WriteEdge(PrometheusTextWriter w, ServingMetrics m)
    {
        w.Histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", m.TimeToFirstToken.Snapshot());
        w.Histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", m.InterTokenLatency.Snapshot());
        w.Histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", m.EndToEndLatency.Snapshot());
        w.Counter("vllm:request_success_total", "Count of finished choices (one per request when n=1), by finish reason.", "finished_reason",
            Enum.GetValues<FinishReason>().Select(r => KeyValuePair.Create(r.ToOpenAi(), (double)m.Finished(r))));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "/metrics: the replica's status is unavailable; writing the edge's metrics only")]
    private static partial void LogStatusUnavailable(ILogger logger, Exception exception);
}
