using Microsoft.AspNetCore.Routing;
using QwenVL.Actors;
using QwenVL.Http.Configuration;

namespace QwenVL.Http.Server;

/// <summary>
/// The lines vLLM's API server writes once it listens, in its words: where it runs, the available routes, and
/// "Application startup complete.", which scripts wait for. Also warns when no completion service is registered.
/// </summary>
public static partial class StartupLog
{
    public static void Register(WebApplication app, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("QwenVL.Http.Server");
        app.Lifetime.ApplicationStarted.Register(() => Started(app, options, logger));
        app.Lifetime.ApplicationStopping.Register(() => LogShuttingDown(logger));
    }

    private static void Started(WebApplication app, ServeOptions options, ILogger logger)
    {
        string url = ListeningUrl(app, options);
        LogStarting(logger, url);
        if (app.Services.GetService<ICompletionService>() == null) LogNoCompletionService(logger);
        LogRoutesHeader(logger);
        foreach (var (pattern, methods) in Routes(app)) LogRoute(logger, pattern, methods);
        LogProcess(logger, Environment.ProcessId);
        LogStartupComplete(logger);
        LogRunning(logger, url);
    }

    /// <summary>The host as given and the port Kestrel bound (which differs when --port is 0).</summary>
    public static string ListeningUrl(WebApplication app, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        int port = options.Port;
        foreach (var address in app.Urls)
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri)) port = uri.Port;
        return options.ListenUrl.Replace($":{options.Port}", $":{port}", StringComparison.Ordinal);
    }

    private static IEnumerable<(string Pattern, string Methods)> Routes(WebApplication app) =>
        app.Services.GetServices<EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'),
                Methods: string.Join(", ", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])))
            .OrderBy(r => r.Pattern, StringComparer.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting qwenvl API server on {Url}")]
    private static partial void LogStarting(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No completion service is registered (ReplicaComposition.AddReplica): completion routes will answer 500")]
    private static partial void LogNoCompletionService(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Available routes are:")]
    private static partial void LogRoutesHeader(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Route: {Pattern}, Methods: {Methods}")]
    private static partial void LogRoute(ILogger logger, string pattern, string methods);

    [LoggerMessage(Level = LogLevel.Information, Message = "Started server process [{ProcessId}]")]
    private static partial void LogProcess(ILogger logger, int processId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Application startup complete.")]
    private static partial void LogStartupComplete(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Server running on {Url} (Press CTRL+C to quit)")]
    private static partial void LogRunning(ILogger logger, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down")]
    private static partial void LogShuttingDown(ILogger logger);
}
