using System.Security.Cryptography;
using System.Text;
using QwenVL.Http.Apis;
using QwenVL.Http.Configuration;
using QwenVL.Http.Errors;

namespace QwenVL.Http.Server;

/// <summary>
/// With --api-key, every /v1 route wants <c>Authorization: Bearer KEY</c>; others (/health, /metrics, /version,
/// /tokenize, ...) stay open, and CORS preflights pass, as in vLLM. The browser pages (/, /dashboard, /web/...) stay
/// open too: they ask for the key and send it on their /v1 calls. The key is compared in constant time. The live
/// stream also takes it as <c>?api_key=KEY</c>: a browser's EventSource cannot send headers.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ServeOptions options)
{
    private readonly byte[] _expectedHeader = Encoding.UTF8.GetBytes("Bearer " + options.ApiKey);
    private readonly byte[] _expectedKey = Encoding.UTF8.GetBytes(options.ApiKey ?? "");

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (HttpMethods.IsOptions(request.Method) || !request.Path.StartsWithSegments("/v1") || Authorized(request))
            return next(context);
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return OpenAiError.WriteAsync(context, StatusCodes.Status401Unauthorized,
            "Unauthorized: send the server's API key as 'Authorization: Bearer <key>'.");
    }

    private bool Authorized(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count == 1 && header[0] is { } value) return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), _expectedHeader);
        return header.Count == 0 && request.Path.Equals(LiveApi.Path, StringComparison.Ordinal)
            && request.Query["api_key"] is { Count: 1 } key && key[0] is { } given
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _expectedKey);
    }
}
