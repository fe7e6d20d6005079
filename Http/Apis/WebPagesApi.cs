namespace QwenVL.Http.Apis;

/// <summary>
/// The browser pages: GET / (the chat page), GET /dashboard (the live view) and GET /web/PATH (their scripts,
/// styles and images), all from <see cref="WebAssets"/>. They stay out of the OpenAPI document, which describes the
/// API, and open without the API key: the pages ask for the key and send it on their own API calls.
/// </summary>
public static class WebPagesApi
{
    public const string ChatPage = "index.html";
    public const string DashboardPage = "dashboard.html";

    /// <summary>
    /// Revalidate on every load: the entity tag makes that a 304 when nothing changed, and a browser never keeps
    /// running an old script against a newer server.
    /// </summary>
    private const string CacheControl = "no-cache";

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app) =>
        app.MapWebPages(WebAssets.FromAssembly(typeof(WebPagesApi).Assembly));

    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app, WebAssets assets)
    {
        ArgumentNullException.ThrowIfNull(assets);
        app.MapGet("/", (HttpContext context) => Serve(assets, ChatPage, context)).WithName("ChatPage").ExcludeFromDescription();
        app.MapGet("/dashboard", (HttpContext context) => Serve(assets, DashboardPage, context)).WithName("DashboardPage").ExcludeFromDescription();
        app.MapGet("/web/{**path}", (string? path, HttpContext context) => Serve(assets, path ?? "", context)).WithName("WebFile").ExcludeFromDescription();
        return app;
    }

    /// <summary>The file at <paramref name="path"/> (relative to Http/Web), 304 when the client holds it already, else 404.</summary>
    public static IResult Serve(WebAssets assets, string path, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(context);
        if (!assets.TryGet(path, out var asset)) return TypedResults.NotFound();
        var headers = context.Response.Headers;
        headers.CacheControl = CacheControl;
        headers.XContentTypeOptions = "nosniff";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag);
    }
}
