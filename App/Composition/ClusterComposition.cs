using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;
using QwenVL.Actors;
using QwenVL.Cluster;

namespace QwenVL.App.Composition;

/// <summary>
/// What a node adds to its actor system to join the cluster: the cluster settings over config/akka.hocon, the stream
/// reference serializer's binding (Akka.Streams' own settings, which remoting needs from the start), the replica
/// directory, and on a worker the endpoint other nodes reach its replica through. The edge then talks to a
/// <see cref="ClusterCompletionService"/>.
/// </summary>
public static class ClusterComposition
{
    private sealed class DirectoryKey;
    private sealed class EndpointKey;

    public static void Configure(AkkaConfigurationBuilder akka, ClusterSettings cluster)
    {
        ArgumentNullException.ThrowIfNull(akka);
        akka.AddHocon(ClusterHocon.For(cluster), HoconAddMode.Prepend);
        akka.AddHocon(ActorMaterializer.DefaultConfig(), HoconAddMode.Append);
    }

    /// <summary>Starts the directory, and with a <paramref name="replica"/> (a worker's) its endpoint.</summary>
    public static void StartActors(ActorSystem system, IActorRegistry registry, NodeRole role, ReplicaDepartures departures, Replica? replica = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register<DirectoryKey>(system.ActorOf(ReplicaDirectory.Props(role, departures), ReplicaDirectory.Name));
        if (replica != null) registry.Register<EndpointKey>(system.ActorOf(ReplicaEndpoint.Props(replica), ReplicaEndpoint.Name));
    }

    /// <summary>The edge's completion service (and cluster view) over the directory and, on a worker, the local replica.</summary>
    public static IServiceCollection AddClusterCompletions(this IServiceCollection services, Func<IServiceProvider, ICompletionService?> local)
    {
        services.AddSingleton<ReplicaDepartures>();
        services.AddSingleton(provider => new ClusterCompletionService(provider.GetRequiredService<ActorRegistry>().Get<DirectoryKey>(), local(provider),
            provider.GetRequiredService<ActorSystem>().Materializer(), provider.GetRequiredService<ReplicaDepartures>()));
        services.AddSingleton<ICompletionService>(provider => provider.GetRequiredService<ClusterCompletionService>());
        services.AddSingleton<IClusterMembership>(provider => provider.GetRequiredService<ClusterCompletionService>());
        return services;
    }

    /// <summary>A frontend node: the actor system with the directory only; every request goes to a worker's replica.</summary>
    public static IServiceCollection AddClusterFrontend(this IServiceCollection services, ClusterSettings cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        services.AddAkka(ClusterSettings.SystemName, (akka, provider) =>
        {
            akka.AddHoconFile(Path.Combine(AppContext.BaseDirectory, "config", "akka.hocon"), HoconAddMode.Prepend);
            Configure(akka, cluster);
            akka.ConfigureLoggers(loggers => loggers.AddLoggerFactory());
            akka.WithActors((system, registry) => StartActors(system, registry, NodeRole.Frontend, provider.GetRequiredService<ReplicaDepartures>()));
        });
        return services.AddClusterCompletions(_ => null);
    }
}
