using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Errors;

/// <summary>
/// Makes every error response an OpenAI error body: exceptions that escape a handler (bad JSON and other binding
/// failures, invalid requests, unknown models, bugs), and bare error statuses the framework sets without a body
/// (404 and 405 from routing, 413 from Kestrel's body limit, 415). A client that went away needs no answer.
/// </summary>
public sealed partial class OpenAiErrorMiddleware(RequestDelegate next, ILogger<OpenAiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context);
        }
        catch (Exception e) when (context.RequestAborted.IsCancellationRequested)
        {
            LogClientGone(logger, context.Request.Path, e.GetType().Name);
            return;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            var (status, message, param) = Describe(e);
            if (status >= StatusCodes.Status500InternalServerError) LogUnhandled(logger, e, context.Request.Path);
            context.Response.Clear();
            await OpenAiError.WriteAsync(context, status, message, param);
            return;
        }
        catch (Exception e)
        {
            // The status and part of the body are out: all that is left is to cut the connection, so the client
            // sees a broken response rather than one that looks complete.
            LogFailedAfterStart(logger, e, context.Request.Path);
            context.Abort();
            return;
        }

        var response = context.Response;
        if (!response.HasStarted && response.StatusCode >= StatusCodes.Status400BadRequest && response.ContentLength == null
            && response.ContentType == null)
            await OpenAiError.WriteAsync(context, response.StatusCode, MessageForStatus(response.StatusCode));
    }

    private static (int Status, string Message, string? Param) Describe(Exception e) => e switch
    {
        InvalidRequestException invalid => (StatusCodes.Status400BadRequest, invalid.Message, invalid.Param),
        ModelNotFoundException notFound => (StatusCodes.Status404NotFound, notFound.Message, "model"),
        BadHttpRequestException { InnerException: JsonException json } => (StatusCodes.Status400BadRequest, JsonErrorText.Describe(json), JsonErrorText.Param(json)),
        BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status400BadRequest =>
            (bad.StatusCode, "The request body must be a JSON object.", null),
        BadHttpRequestException bad => (bad.StatusCode, MessageForStatus(bad.StatusCode), null),
        _ => (StatusCodes.Status500InternalServerError, "Internal server error; the server log has the details.", null),
    };

    private static string MessageForStatus(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body is larger than the server accepts (--max-request-body-bytes).",
        StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON, sent with Content-Type: application/json.",
        _ => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : $"HTTP {status}",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Path}: the client went away ({Exception})")]
    private static partial void LogClientGone(ILogger logger, string path, string exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path}: unhandled exception")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path}: failed after the response started; connection aborted")]
    private static partial void LogFailedAfterStart(ILogger logger, Exception exception, string path);
}
