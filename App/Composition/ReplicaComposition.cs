using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;
using QwenVL.Actors;
using QwenVL.Http.Configuration;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Vision;

namespace QwenVL.App.Composition;

/// <summary>
/// The replica behind the HTTP edge: an actor system (config/akka.hocon, Akka's logs into the host's
/// logging) running one <see cref="Replica"/> over the model's executor, its KV cache sized from the options;
/// the edge reaches it through <see cref="ICompletionService"/>.
/// </summary>
public static partial class ReplicaComposition
{
    /// <summary>The logger of the replica's start-up lines; the executor's, handed to it at load, logs under it too.</summary>
    public const string LoggerName = "QwenVL.Replica";

    private sealed class SchedulerKey;
    private sealed class RequestsKey;

    public static IServiceCollection AddReplica(this IServiceCollection services, LoadedModel model, ServeOptions options)
    {
        var images = new ImageInputPreparer(model.Directory.Preprocessor, options.Images.Sources);
        services.AddSingleton(images);
        var requestServices = new RequestServices(
            new PromptPreparer(model.Tokenizer, images, model.Directory.Config), model.Tokenizer, model.EosTokenIds,
            model.Executor.Spec.MaxModelLength, new SequenceIdSource(), options.Seed, options.RequestTimeout) { Grammars = model.Grammars };
        services.AddAkka(QwenVL.Cluster.ClusterSettings.SystemName, (akka, provider) =>
        {
            akka.AddHoconFile(Path.Combine(AppContext.BaseDirectory, "config", "akka.hocon"), HoconAddMode.Prepend);
            if (options.Cluster is { } cluster) ClusterComposition.Configure(akka, cluster);
            akka.ConfigureLoggers(loggers => loggers.AddLoggerFactory());
            akka.WithActors((system, registry) =>
            {
                var loggers = provider.GetRequiredService<ILoggerFactory>();
                // The executor logs its own start-up work here (a GPU captures its decode graphs for the new cache).
                int blocks = model.Executor.AllocateKvCache(ReplicaSettings.KvCacheBytes(options, model.Executor));
                var config = ReplicaSettings.Scheduler(options, model.Executor.Spec, blocks);
                long tokens = (long)blocks * config.BlockSize;
                LogKvCache(loggers.CreateLogger(LoggerName), blocks, tokens, config.MaxModelLength, (double)tokens / config.MaxModelLength);
                var replica = Replica.Start(system, model.Executor, new ReplicaOptions(config, StatusLog: loggers.CreateLogger("QwenVL.Engine")),
                    requestServices);
                registry.Register<SchedulerKey>(replica.Scheduler);
                registry.Register<RequestsKey>(replica.Requests);
                if (options.Cluster != null) ClusterComposition.StartActors(system, registry, QwenVL.Cluster.NodeRole.Worker,
                        provider.GetRequiredService<QwenVL.Cluster.ReplicaDepartures>(), replica);
            });
        });
        if (options.Cluster != null) return services.AddClusterCompletions(Local);
        services.AddSingleton<ICompletionService>(Local);
        return services;

        static LocalCompletionService Local(IServiceProvider provider)
        {
            var registry = provider.GetRequiredService<ActorRegistry>();
            return new LocalCompletionService(registry.Get<RequestsKey>(), registry.Get<SchedulerKey>(),
                provider.GetRequiredService<ActorSystem>().Materializer());
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "KV cache: {Blocks} blocks, {Tokens} tokens; maximum concurrency for {MaxModelLength} tokens per request: {Concurrency:F2}x")]
    private static partial void LogKvCache(ILogger logger, int blocks, long tokens, int maxModelLength, double concurrency);
}
