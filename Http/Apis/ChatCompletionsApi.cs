using Microsoft.AspNetCore.Http.HttpResults;
using QwenVL.Actors.Messages;
using QwenVL.Http.Completions;
using QwenVL.Http.Errors;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Apis;

/// <summary>POST /v1/chat/completions: OpenAI's chat completions, whole or streamed as server-sent events.</summary>
public static class ChatCompletionsApi
{
    public static IEndpointRouteBuilder MapChatCompletions(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("OpenAI");
        api.MapPost("/chat/completions", CreateChatCompletion)
            .WithName("CreateChatCompletion")
            .WithSummary("Creates a model response for a chat conversation (text and images)")
            .WithDescription("OpenAI's chat completions as vLLM serves them; with stream=true the answer is a text/event-stream of chat.completion.chunk objects ending with [DONE].")
            .WithRequestValidation<ChatCompletionRequest>(ChatRequestMapper.Validate)
            .ProducesOpenAiErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status503ServiceUnavailable,
                StatusCodes.Status500InternalServerError);
        return app;
    }

    /// <summary>
    /// Submits the request and reads its first event before answering: a refusal becomes an error status; otherwise
    /// the events are streamed (stream=true) or gathered into one chat.completion.
    /// </summary>
    public static async Task<Results<Ok<ChatCompletionResponse>, ServerSentEventsResult<string>, JsonHttpResult<ErrorResponse>>> CreateChatCompletion(
        ChatCompletionRequest request, [AsParameters] CompletionServices services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        var mapped = ChatRequestMapper.MapChat(request, services.Model, "chatcmpl-" + Guid.NewGuid().ToString("N"));
        var generate = mapped.Generate;
        UnknownFieldsLog.WarnOnce(services.Logger, generate.RequestId, request.UnknownFields);
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
                ChatCompletionStream.WriteAsync(run, reply, sampling.N, logprobs, request.StreamOptions?.IncludeUsage == true, mapped.ToolCall));
        }

        ChoiceAccumulator collected;
        await using (run) collected = await ChoiceAccumulator.CollectAsync(run, sampling.N);
        if (collected.Failure is { } failed) return OpenAiError.FromFailure(failed);
        return TypedResults.Ok(new ChatCompletionResponseBuilder(services.Model.Tokenizer)
            .Build(reply.Id, reply.Model, reply.Created, collected.Choices(), sampling.Logprobs, collected.Usage(), mapped.ToolCall));
    }
}
