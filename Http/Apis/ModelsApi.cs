using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using QwenVL.Http.Configuration;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Apis;

/// <summary>GET /v1/models: the served model names, as vLLM lists them.</summary>
public static class ModelsApi
{
    public const string OwnedBy = "qwenvl";

    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("OpenAI");
        api.MapGet("/models", ListModels)
            .WithName("ListModels")
            .WithSummary("Lists the served model names with their maximum context length");
        return app;
    }

    public static Ok<ModelList> ListModels([FromServices] ServedModel model, [FromServices] TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(time);
        long created = time.GetUtcNow().ToUnixTimeSeconds();
        var cards = model.Names.Select(name => new ModelCard(name, "model", created, OwnedBy, model.Root, null, model.MaxModelLength)).ToArray();
        return TypedResults.Ok(new ModelList("list", cards));
    }
}
