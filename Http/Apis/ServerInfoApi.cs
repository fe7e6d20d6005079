using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using QwenVL.Actors;
using QwenVL.Http.Errors;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Apis;

/// <summary>GET /health (200 once the replica answers) and GET /version, open without the API key as in vLLM.</summary>
public static class ServerInfoApi
{
    /// <summary>How long /health waits for the replica's status before it calls the server unhealthy.</summary>
    public static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapServerInfo(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("").WithTags("Server");
        api.MapGet("/health", Health)
            .WithName("Health")
            .WithSummary("200 when the replica is up and answering, 503 otherwise")
            .ProducesOpenAiErrors(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/version", Version)
            .WithName("Version")
            .WithSummary("The server's version");
        return app;
    }

    /// <remarks>The completion service is optional here so that the probe answers 503, not 500, without a replica.</remarks>
    public static async Task<Results<Ok, JsonHttpResult<ErrorResponse>>> Health([FromServices] ICompletionService? completions,
        CancellationToken cancellationToken)
    {
        if (completions == null)
            return OpenAiError.Result(StatusCodes.Status503ServiceUnavailable, "No replica is registered with this server.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(HealthTimeout);
        try
        {
            await completions.GetStatusAsync(timeout.Token);
            return TypedResults.Ok();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Whatever keeps the replica from answering makes the server unhealthy; that is what the probe asks.
            return OpenAiError.Result(StatusCodes.Status503ServiceUnavailable, $"The replica is not ready: {e.Message}");
        }
    }

    public static Ok<VersionResponse> Version() => TypedResults.Ok(new VersionResponse(ServerVersion));

    /// <summary>The assembly's informational version without the source revision suffix.</summary>
    public static string ServerVersion { get; } =
        typeof(ServerInfoApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
