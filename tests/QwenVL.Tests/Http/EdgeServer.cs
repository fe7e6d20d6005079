using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QwenVL.Actors;
using QwenVL.Tests.Fixtures;
using QwenVL.App.Composition;
using QwenVL.Http.Configuration;
using QwenVL.Http.Server;

namespace QwenVL.Tests.Http;

/// <summary>
/// The real server (ServerApplication) on 127.0.0.1 at a free port with a <see cref="FakeCompletionService"/>
/// registered instead of the replica. Its log lines are kept in <see cref="Log"/>. Dispose stops it.
/// </summary>
public sealed class EdgeServer : IAsyncDisposable
{
    private static readonly TimeSpan StartStopTimeout = TimeSpan.FromSeconds(20);
    private readonly WebApplication _app;

    private EdgeServer(WebApplication app, HttpClient client, ConcurrentQueue<string> log)
    {
        _app = app;
        Client = client;
        Log = log;
    }

    public HttpClient Client { get; }
    public ConcurrentQueue<string> Log { get; }

    public static Task<EdgeServer> StartAsync(FakeCompletionService fake, Func<ServeOptions, ServeOptions>? configure = null,
        ServedModel? model = null) =>
        StartAsync(DefaultOptions(configure), model ?? EdgeFixtures.Model(), services => services.AddSingleton<ICompletionService>(fake));

    /// <summary>The server with the real replica (actors and CPU executor) over the tiny fixture model.</summary>
    public static Task<EdgeServer> StartLiveAsync(LoadedModel model, Func<ServeOptions, ServeOptions>? configure = null)
    {
        var options = DefaultOptions(configure);
        return StartAsync(options, model.ServedAs(options), services => services.AddReplica(model, options));
    }

    private static ServeOptions DefaultOptions(Func<ServeOptions, ServeOptions>? configure)
    {
        var options = new ServeOptions { Model = FixturePaths.TinyModel, Host = "127.0.0.1", Port = 0, ServedModelNames = [EdgeFixtures.ModelName] };
        return configure != null ? configure(options) : options;
    }

    private static async Task<EdgeServer> StartAsync(ServeOptions options, ServedModel model, Action<IServiceCollection> addCompletionService)
    {
        var log = new ConcurrentQueue<string>();
        var app = ServerApplication.Build(options, model, addCompletionService,
            logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Information).AddProvider(new ListLoggerProvider(log)));
        using var timeout = new CancellationTokenSource(StartStopTimeout);
        await app.StartAsync(timeout.Token);
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(120) };
        return new EdgeServer(app, client, log);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, CancellationToken cancellationToken = default) =>
        Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    /// <summary>Posts and returns as soon as the headers are in, so the body can be read as it streams.</summary>
    public Task<HttpResponseMessage> PostStreamingAsync(string path, string json, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var timeout = new CancellationTokenSource(StartStopTimeout);
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class ListLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}
