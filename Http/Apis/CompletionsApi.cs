using Microsoft.AspNetCore.Http.HttpResults;
using QwenVL.Actors.Messages;
using QwenVL.Http.Completions;
using QwenVL.Http.Errors;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Apis;

/// <summary>POST /v1/completions: OpenAI's legacy text completions of a raw prompt (text or token ids).</summary>
public static class CompletionsApi
{
    public static IEndpointRouteBuilder MapCompletions(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("OpenAI");
        api.MapPost("/completions", CreateCompletion)
            .WithName("CreateCompletion")
            .WithSummary("Completes a raw prompt (text or token ids), without the chat template")
            .WithDescription("OpenAI's legacy completions as vLLM serves them; with stream=true the answer is a text/event-stream of text_completion chunks ending with [DONE].")
            .WithRequestValidation<CompletionRequest>(CompletionRequestMapper.Validate)
            .ProducesOpenAiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable,
                StatusCodes.Status500InternalServerError);
        return app;
    }

    /// <summary>As <see cref="ChatCompletionsApi.CreateChatCompletion"/>, with text_completion shapes.</summary>
    public static async Task<Results<Ok<CompletionResponse>, ServerSentEventsResult<string>, JsonHttpResult<ErrorResponse>>> CreateCompletion(
        CompletionRequest request, [AsParameters] CompletionServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var generate = CompletionRequestMapper.Map(request, services.Model, "cmpl-" + Guid.NewGuid().ToString("N"));
        var run = await CompletionRun.StartAsync(generate, services, cancellationToken);
        if (run.First is CompletionFailed refused)
        {
            await run.DisposeAsync();
            return OpenAiError.FromFailure(refused);
        }

        var reply = new ReplyIdentity(generate.RequestId, request.Model ?? services.Model.PrimaryName, services.Time.GetUtcNow().ToUnixTimeSeconds());
        var sampling = generate.Sampling;
        if (request.Stream == true)
        {
            var logprobs = sampling.Logprobs ? new LogprobsFormatter(services.Model.Tokenizer) : null;
            return TypedResults.ServerSentEvents(
                TextCompletionStream.WriteAsync(run, reply, sampling.N, logprobs, request.StreamOptions?.IncludeUsage == true));
        }

        ChoiceAccumulator collected;
        await using (run) collected = await ChoiceAccumulator.CollectAsync(run, sampling.N);
        if (collected.Failure is { } failed) return OpenAiError.FromFailure(failed);
        return TypedResults.Ok(new TextCompletionResponseBuilder(services.Model.Tokenizer)
            .Build(reply.Id, reply.Model, reply.Created, collected.Choices(), sampling.Logprobs, collected.Usage()));
    }
}
