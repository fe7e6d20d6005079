using System.Text.Json;
using Akka.TestKit.Xunit2;
using QwenVL.Actors.Messages;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Structured;
using Xunit;

namespace QwenVL.Tests.Actors;

/// <summary>Output constraints through the request, scheduler and engine actors of a replica.</summary>
public class ConstrainedReplicaTests() : TestKit(ActorTestConfig.Hocon)
{
    [Fact]
    public async Task Every_choice_of_a_constrained_request_matches_its_schema()
    {
        using var replica = new ReplicaHarness(Sys);
        var schema = """{"type":"object","properties":{"ok":{"type":"boolean"},"n":{"type":"integer","minimum":0,"maximum":99}},"required":["ok","n"]}""";
        var p = new SamplingParams { Temperature = 1, MaxTokens = 64, N = 3, Seed = 5, Constraint = GrammarSpec.JsonSchema(schema) };
        var result = await replica.RunAsync(ReplicaHarness.Chat("Answer in JSON.", p));
        Assert.IsType<CompletionFinished>(result.Last);
        for (int choice = 0; choice < 3; choice++)
        {
            using var document = JsonDocument.Parse(result.Text(choice));
            Assert.Contains(document.RootElement.GetProperty("ok").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
            Assert.InRange(document.RootElement.GetProperty("n").GetInt32(), 0, 99);
            Assert.Equal(FinishReason.Stop, result.Reason(choice));
        }
    }

    [Fact]
    public async Task A_constraint_the_engine_refuses_fails_the_request_as_invalid_naming_keyword_and_path()
    {
        using var replica = new ReplicaHarness(Sys);
        var p = new SamplingParams { MaxTokens = 8, Constraint = GrammarSpec.JsonSchema("""{"type":"array","items":{"type":"string"},"uniqueItems":true}""") };
        var result = await replica.RunAsync(ReplicaHarness.Chat("Hi", p));
        var failed = Assert.IsType<CompletionFailed>(Assert.Single(result.Events));
        Assert.Equal(FailureKind.InvalidRequest, failed.Kind);
        Assert.Contains("uniqueItems", failed.Message);
        Assert.Contains("(at #)", failed.Message);
    }
}
