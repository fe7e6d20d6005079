using QwenVL.Http.Configuration;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Errors;

/// <summary>
/// Checks a request body before its handler runs: the model it names must be served (404) and the body must map
/// to a valid request (400 naming the field). A request refused here never reaches the completion service.
/// </summary>
public sealed class RequestValidationFilter<TRequest>(Action<TRequest, ServedModel> validate) : IEndpointFilter
    where TRequest : class
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.Arguments.OfType<TRequest>().FirstOrDefault();
        if (request == null) return OpenAiError.Result(StatusCodes.Status400BadRequest, "The request body must be a JSON object.");
        var model = context.HttpContext.RequestServices.GetRequiredService<ServedModel>();
        try
        {
            validate(request, model);
        }
        catch (ModelNotFoundException e)
        {
            return OpenAiError.NotFound(e);
        }
        catch (InvalidRequestException e)
        {
            return OpenAiError.BadRequest(e);
        }
        return await next(context);
    }
}

public static class RequestValidation
{
    /// <summary>Runs <paramref name="validate"/> on the route's <typeparamref name="TRequest"/> body before the handler.</summary>
    public static RouteHandlerBuilder WithRequestValidation<TRequest>(this RouteHandlerBuilder builder, Action<TRequest, ServedModel> validate)
        where TRequest : class =>
        builder.AddEndpointFilter(new RequestValidationFilter<TRequest>(validate));
}
