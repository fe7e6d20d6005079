using QwenVL.Actors.Messages;
using QwenVL.Cluster.Messages;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using Xunit;

namespace QwenVL.Tests.Cluster;

/// <summary>
/// Field-by-field comparison of a wire message with its round trip. Records holding lists compare those lists by
/// reference, so the lists are compared by content and the rest of the record by value with the lists swapped out.
/// </summary>
public static class WireAssert
{
    private static readonly PromptSpec AnyPrompt = new TextPrompt("");
    private static readonly SamplingParams AnySampling = new();
    private static readonly IReadOnlyList<int> NoIds = [];
    private static readonly IReadOnlyList<string> NoStops = [];
    private static readonly IReadOnlyList<LogitBiasEntry> NoBias = [];
    private static readonly IReadOnlyList<StepBudgetUse> NoSteps = [];

    public static void Same(object expected, object actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        switch (expected)
        {
            case RouteGenerate route:
                Same(route.Request, ((RouteGenerate)actual).Request);
                break;
            case TextDelta delta:
                Same(delta, (TextDelta)actual);
                break;
            case ReplicaLoadReport { Status.Activity: { } activity } report:
                var back = (ReplicaLoadReport)actual;
                Assert.Equal(activity.RecentSteps, back.Status.Activity!.RecentSteps);
                Assert.Equal(WithoutSteps(report), WithoutSteps(back));
                break;
            default:
                // The other messages hold only scalars, strings, enums and records of them: value equality is complete.
                Assert.Equal(expected, actual);
                break;
        }
    }

    private static ReplicaLoadReport WithoutSteps(ReplicaLoadReport report) =>
        report with { Status = report.Status with { Activity = report.Status.Activity! with { RecentSteps = NoSteps } } };

    public static void Same(GenerateRequest expected, GenerateRequest actual)
    {
        Assert.Equal(expected with { Prompt = AnyPrompt, Sampling = AnySampling }, actual with { Prompt = AnyPrompt, Sampling = AnySampling });
        Same(expected.Prompt, actual.Prompt);
        Same(expected.Sampling, actual.Sampling);
    }

    public static void Same(SamplingParams expected, SamplingParams actual)
    {
        Assert.Equal(expected.StopTokenIds, actual.StopTokenIds);
        Assert.Equal(expected.Stop, actual.Stop);
        Assert.Equal(expected.LogitBias, actual.LogitBias);
        // GrammarSpec is a record of a kind and a string: compared by value with the rest.
        Assert.Equal(expected with { StopTokenIds = NoIds, Stop = NoStops, LogitBias = NoBias },
            actual with { StopTokenIds = NoIds, Stop = NoStops, LogitBias = NoBias });
    }

    private static void Same(PromptSpec expected, PromptSpec actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        switch (expected)
        {
            case ChatPrompt chat:
                var other = (ChatPrompt)actual;
                Assert.Equal(chat.Messages.Count, other.Messages.Count);
                for (int i = 0; i < chat.Messages.Count; i++)
                {
                    Assert.Equal(chat.Messages[i].Role, other.Messages[i].Role);
                    // TextPart, ImagePart and ImageInput are records of scalars and compare by value.
                    Assert.Equal(chat.Messages[i].Content, other.Messages[i].Content);
                }
                Assert.Equal(chat.Images, other.Images);
                break;
            case TokenPrompt tokens:
                Assert.Equal(tokens.TokenIds, ((TokenPrompt)actual).TokenIds);
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }

    private static void Same(TextDelta expected, TextDelta actual)
    {
        Assert.Equal(expected.Choice, actual.Choice);
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Tokens.Count, actual.Tokens.Count);
        for (int i = 0; i < expected.Tokens.Count; i++)
        {
            Assert.Equal(expected.Tokens[i].TokenId, actual.Tokens[i].TokenId);
            Assert.Equal(expected.Tokens[i].Logprob, actual.Tokens[i].Logprob);
            Assert.Equal(expected.Tokens[i].TopLogprobs, actual.Tokens[i].TopLogprobs);
        }
    }
}
