using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using QwenVL.Actors;
using QwenVL.Cluster.Messages;
using QwenVL.Cluster;
using QwenVL.Http.Errors;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Apis;

/// <summary>
/// GET /v1/cluster: the members of the cluster, their roles and reachability, and each replica's load as it last
/// reported it. A node running alone lists itself as the one replica.
/// </summary>
public static class ClusterApi
{
    public const string Standalone = "standalone";

    public static IEndpointRouteBuilder MapCluster(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1").WithTags("Server")
            .MapGet("/cluster", GetCluster)
            .WithName("Cluster")
            .WithSummary("Members of the cluster, their roles and each replica's load")
            .ProducesOpenAiErrors(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public static async Task<Results<Ok<ClusterResponse>, JsonHttpResult<ErrorResponse>>> GetCluster([FromServices] ICompletionService? completions,
        [FromServices] IClusterMembership? membership, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ServerInfoApi.HealthTimeout);
        try
        {
            if (membership != null) return TypedResults.Ok(Describe(await membership.GetViewAsync(timeout.Token)));
            if (completions == null) return OpenAiError.Result(StatusCodes.Status503ServiceUnavailable, "No replica is registered with this server.");
            var status = await completions.GetStatusAsync(timeout.Token);
            var self = new ClusterMemberDto("local", ["worker"], "up", true, true, Load(status, null));
            return TypedResults.Ok(new ClusterResponse("cluster", "local", Standalone, [self], Load(status, null)));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return OpenAiError.Result(StatusCodes.Status503ServiceUnavailable, $"The cluster's state is unavailable: {e.Message}");
        }
    }

    public static ClusterResponse Describe(ClusterView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var members = view.Members
            .Select(m => new ClusterMemberDto(m.Node, m.Roles, m.Status, m.Reachable, m.Serving, m.Load is { } l ? Load(l.Status, l.Served) : null))
            .ToArray();
        var serving = view.ServingReplicas.Select(m => m.Load!.Status).ToArray();
        var totals = serving.Length > 0 ? Load(ReplicaStatus.Sum(serving), view.ServingReplicas.Sum(m => m.Load!.Served)) : null;
        return new ClusterResponse("cluster", view.SelfNode, view.SelfRole, members, totals);
    }

    private static ReplicaLoadDto Load(ReplicaStatus status, long? served)
    {
        var s = status.Scheduler;
        return new(s.Running, s.Waiting, s.KvCacheUsage, s.TotalBlocks, s.FreeBlocks, s.PromptTokensComputed, s.GenerationTokens, served);
    }
}
