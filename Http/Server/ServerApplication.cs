using QwenVL.Http.Apis;
using QwenVL.Http.Configuration;
using QwenVL.Http.Errors;
using QwenVL.Http.Metrics;
using QwenVL.Http.Protocol;

namespace QwenVL.Http.Server;

/// <summary>
/// The OpenAI-compatible server: Kestrel at the options' host and port, the protocol's JSON settings, OpenAI-shaped
/// errors, the API key check, and the routes. The completion service comes from <paramref name="addCompletionService"/>
/// in <see cref="Build"/>: the replica's composition when serving, a stand-in in tests.
/// </summary>
public static class ServerApplication
{
    public static WebApplication Build(ServeOptions options, ServedModel model, Action<IServiceCollection> addCompletionService,
        Action<ILoggingBuilder>? configureLogging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(addCompletionService);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ServerApplication).Assembly.GetName().Name });
        (configureLogging ?? ServerLogging.Configure)(builder.Logging);
        builder.WebHost.UseUrls(options.ListenUrl);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.AddServerHeader = false;
        });

        var services = builder.Services;
        services.ConfigureHttpJsonOptions(json => ProtocolJson.Configure(json.SerializerOptions));
        // Binding failures (bad JSON, wrong value types) throw, so OpenAiErrorMiddleware can name the field.
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "qwenvl";
            document.Info.Description = "OpenAI-compatible API for Qwen2-VL, as vLLM serves it";
            document.Info.Version = ServerInfoApi.ServerVersion;
            return Task.CompletedTask;
        }));
        services.AddSingleton(options);
        services.AddSingleton(model);
        services.AddSingleton<ServingMetrics>();
        services.AddSingleton(TimeProvider.System);
        addCompletionService(services);

        var app = builder.Build();
        app.UseMiddleware<OpenAiErrorMiddleware>();
        if (options.ApiKey != null) app.UseMiddleware<ApiKeyMiddleware>();
        app.MapOpenApi("/openapi.json");
        app.MapChatCompletions();
        app.MapCompletions();
        app.MapModels();
        app.MapTokenizer();
        app.MapServerInfo();
        app.MapCluster();
        app.MapLive();
        app.MapMetrics();
        if (!options.DisableFrontend) app.MapWebPages();
        StartupLog.Register(app, options);
        return app;
    }
}
