using Microsoft.AspNetCore.Http.HttpResults;
using QwenVL.Actors.Messages;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Errors;

/// <summary>
/// Errors in OpenAI's shape, <c>{"error": {"message", "type", "param", "code"}}</c>, with vLLM's type names and the
/// status as the code. One table maps statuses to types and the replica's failure kinds to statuses.
/// </summary>
public static class OpenAiError
{
    public static ErrorResponse Body(int status, string message, string? param = null) =>
        new(new ErrorInfo(message, TypeOf(status), param, status));

    public static JsonHttpResult<ErrorResponse> Result(int status, string message, string? param = null) =>
        TypedResults.Json(Body(status, message, param), ProtocolJson.Context.ErrorResponse, statusCode: status);

    public static JsonHttpResult<ErrorResponse> BadRequest(InvalidRequestException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Result(StatusCodes.Status400BadRequest, e.Message, e.Param);
    }

    public static JsonHttpResult<ErrorResponse> NotFound(ModelNotFoundException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Result(StatusCodes.Status404NotFound, e.Message, "model");
    }

    /// <summary>A request the replica refused or could not finish, with the status its kind calls for.</summary>
    public static JsonHttpResult<ErrorResponse> FromFailure(CompletionFailed failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return Result(StatusOf(failure.Kind), failure.Message, failure.Param);
    }

    public static int StatusOf(FailureKind kind) => kind switch
    {
        FailureKind.InvalidRequest or FailureKind.PromptTooLong => StatusCodes.Status400BadRequest,
        FailureKind.Overloaded => StatusCodes.Status503ServiceUnavailable,
        FailureKind.Timeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Writes the error as the whole response; the response must not have started.</summary>
    public static Task WriteAsync(HttpContext context, int status, string message, string? param = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Body(status, message, param), ProtocolJson.Context.ErrorResponse,
            contentType: null, context.RequestAborted);
    }

    /// <summary>Declares the error statuses a route may answer with, for the OpenAPI document.</summary>
    public static RouteHandlerBuilder ProducesOpenAiErrors(this RouteHandlerBuilder builder, params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (var status in statuses) builder.Produces<ErrorResponse>(status);
        return builder;
    }

    private static string TypeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "BadRequestError",
        StatusCodes.Status401Unauthorized => "AuthenticationError",
        StatusCodes.Status404NotFound => "NotFoundError",
        StatusCodes.Status405MethodNotAllowed => "MethodNotAllowedError",
        StatusCodes.Status413PayloadTooLarge => "RequestTooLargeError",
        StatusCodes.Status415UnsupportedMediaType => "UnsupportedMediaTypeError",
        StatusCodes.Status503ServiceUnavailable => "ServiceUnavailableError",
        >= 500 => "InternalServerError",
        _ => "BadRequestError",
    };
}
