using Akka.Configuration;

namespace QwenVL.Tests.Actors;

/// <summary>The project's akka.hocon (copied beside the test assembly), so tests run the real dispatchers.</summary>
public static class ActorTestConfig
{
    public static Config Hocon { get; } = ConfigurationFactory.ParseString(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "config", "akka.hocon")));
}
