using Microsoft.Extensions.DependencyInjection;

namespace QwenVL.Http.Composition;

public static class ReplicaComposition
{
    public static IServiceCollection AddReplica(this IServiceCollection services, LoadedModel model, ServeOptions options)
    {
        // The replica's actor wiring goes here: the actor system, its engine and scheduler actors over model.Executor,
        // and the ICompletionService the HTTP edge calls.
        return services;
    }
}
