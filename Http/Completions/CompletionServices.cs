using Microsoft.AspNetCore.Mvc;
using QwenVL.Actors;
using QwenVL.Http.Configuration;
using QwenVL.Http.Metrics;

namespace QwenVL.Http.Completions;

/// <summary>What the completion handlers need, bound from the container in one piece ([AsParameters]).</summary>
/// <remarks>Each is marked [FromServices]: the completion service is the replica's to register, and a missing
/// registration must fail the request (500), not turn the parameter into a request body.</remarks>
public sealed record CompletionServices(
    [FromServices] ICompletionService Completions,
    [FromServices] ServedModel Model,
    [FromServices] ServingMetrics Metrics,
    [FromServices] ILogger<CompletionRun> Logger,
    [FromServices] TimeProvider Time);
