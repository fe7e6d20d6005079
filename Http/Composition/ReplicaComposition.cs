using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;
using QwenVL.Actors;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Vision;

namespace QwenVL.Http.Composition;

/// <summary>
/// The replica behind the HTTP edge: an actor system (config/akka.hocon, Akka's logs into the host's
/// logging) running one <see cref="Replica"/> over the model's executor, its KV cache sized from the options;
/// the edge reaches it through <see cref="ICompletionService"/>.
/// </summary>
public static partial class ReplicaComposition
{
    private sealed class SchedulerKey;
    private sealed class RequestsKey;

    public static IServiceCollection AddReplica(this IServiceCollection services, LoadedModel model, ServeOptions options)
    {
        var images = new ImageInputPreparer(model.Directory.Preprocessor, options.Images.Sources);
        services.AddSingleton(images);
        var requestServices = new RequestServices(
            new PromptPreparer(model.Tokenizer, images, model.Directory.Config), model.Tokenizer, model.EosTokenIds,
            model.Executor.Spec.MaxModelLength, new SequenceIdSource(), options.Seed, options.RequestTimeout);
        services.AddAkka(QwenVL.Cluster.ClusterSettings.SystemName, (akka, provider) =>
        {
            akka.AddHoconFile(Path.Combine(AppContext.BaseDirectory, "config", "akka.hocon"), HoconAddMode.Prepend);
            if (options.Cluster is { } cluster) ClusterComposition.Configure(akka, cluster);
            akka.ConfigureLoggers(loggers => loggers.AddLoggerFactory());
            akka.WithActors((system, registry) =>
            {
                var log = provider.GetRequiredService<ILoggerFactory>().CreateLogger("QwenVL.Replica");
                if (model.Executor is Cuda.CudaExecutor && !options.EnforceEager) LogCapturing(log);
                int blocks = model.Executor.AllocateKvCache(ReplicaSettings.KvCacheBytes(options, model.Executor));
                if (model.Executor is Cuda.CudaExecutor { GraphBatchSizes.Count: > 0 } cuda)
                    LogCaptured(log, cuda.GraphBatchSizes.Count, string.Join(' ', cuda.GraphBatchSizes), cuda.GraphCaptureMilliseconds / 1000);
                var config = ReplicaSettings.Scheduler(options, model.Executor.Spec, blocks);
                long tokens = (long)blocks * config.BlockSize;
                LogKvCache(log, blocks, tokens, config.MaxModelLength, (double)tokens / config.MaxModelLength);
                var statusLog = provider.GetRequiredService<ILoggerFactory>().CreateLogger("QwenVL.Engine");
                var replica = Replica.Start(system, model.Executor, new ReplicaOptions(config, StatusLog: statusLog), requestServices);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Capturing CUDA graphs for decode steps (--enforce-eager skips this) ...")]
    private static partial void LogCapturing(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Captured {Count} CUDA graphs in {Seconds:F1} s, for decode batch sizes {Sizes}")]
    private static partial void LogCaptured(ILogger logger, int count, string sizes, double seconds);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "KV cache: {Blocks} blocks, {Tokens} tokens; maximum concurrency for {MaxModelLength} tokens per request: {Concurrency:F2}x")]
    private static partial void LogKvCache(ILogger logger, int blocks, long tokens, int maxModelLength, double concurrency);
}
