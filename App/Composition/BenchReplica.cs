using QwenVL.Actors;
using QwenVL.Http.Configuration;
using QwenVL.Http.Server;

namespace QwenVL.App.Composition;

/// <summary>
/// The replica `serve` runs, without the HTTP edge: <see cref="ReplicaComposition.AddReplica"/> in a plain host (the
/// actor system, KV cache sizing, scheduler, engine and request actors as composed for serving), reached through the
/// same <see cref="ICompletionService"/> the HTTP handlers use. Its logs go to standard error.
/// </summary>
public sealed class BenchReplica : IAsyncDisposable
{
    private readonly IHost _host;

    private BenchReplica(IHost host)
    {
        _host = host;
        Completions = host.Services.GetRequiredService<ICompletionService>();
    }

    public ICompletionService Completions { get; }

    public static async Task<BenchReplica> StartAsync(LoadedModel model, ServeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = typeof(BenchReplica).Assembly.GetName().Name });
        ServerLogging.ConfigureStandardError(builder.Logging);
        builder.Services.AddReplica(model, options);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return new BenchReplica(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
