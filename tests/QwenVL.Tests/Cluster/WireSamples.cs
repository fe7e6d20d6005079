using QwenVL.Actors;
using QwenVL.Actors.Messages;
using QwenVL.Cluster.Messages;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Tests.Cluster;

/// <summary>
/// Wire messages as the server builds them: lists from collection expressions (compiler-private list types, not
/// arrays), a data-URL image, stop strings and token ids, logprobs.
/// </summary>
public static class WireSamples
{
    /// <summary>A 1x1 PNG as a data URL, the form in which an image's bytes travel inside a request.</summary>
    public const string ImageDataUrl =
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    public static SamplingParams Sampling => new()
    {
        Temperature = 0.7,
        TopP = 0.9,
        TopK = 40,
        MinP = 0.05,
        RepetitionPenalty = 1.05,
        PresencePenalty = 0.5,
        FrequencyPenalty = -0.25,
        Seed = 1234,
        MaxTokens = 256,
        MinTokens = 2,
        Logprobs = true,
        TopLogprobs = 3,
        StopTokenIds = [151645, 151643],
        Stop = ["\n\n", "</answer>"],
        N = 2,
        LogitBias = [new LogitBiasEntry(9707, 2.5), new LogitBiasEntry(151645, -100)],
    };

    /// <summary>A request whose output must match a JSON schema, as response_format json_schema sends it.</summary>
    public static GenerateRequest ConstrainedRequest => new("chatcmpl-json",
        new TextPrompt("Name a city and its population as JSON."),
        new SamplingParams
        {
            Temperature = 0.5,
            MaxTokens = 128,
            LogitBias = [new LogitBiasEntry(90, 1.5)],
            Constraint = GrammarSpec.JsonSchema("""{"type":"object","properties":{"city":{"type":"string"},"population":{"type":"integer"}},"required":["city"]}"""),
        });

    public static GenerateRequest ChatRequest => new(
        "chatcmpl-7f3a",
        new ChatPrompt(
            [
                ChatMessage.FromText("system", "Answer in one sentence."),
                new ChatMessage("user", [new TextPart("What is in this picture?"), new ImagePart(ImageDataUrl, MinPixels: 3136, MaxPixels: 1_003_520)]),
            ],
            [new ImageInput(ImageDataUrl, "messages[1].content[1]", 3136, 1_003_520)]),
        Sampling,
        SkipSpecialTokens: false,
        IncludeStopStringInOutput: true);

    public static GenerateRequest TextRequest => new("cmpl-text", new TextPrompt("Once upon a time"), new SamplingParams { Temperature = 0, Stop = ["."] });

    public static GenerateRequest TokenRequest => new("cmpl-tokens", new TokenPrompt([151644, 872, 198]), new SamplingParams());

    public static ReplicaStatus Status => new(
        new SchedulerStats(Running: 3, Waiting: 1, Preemptions: 2, KvCacheUsage: 0.375, PrefixCacheQueries: 1200, PrefixCacheHits: 640,
            PromptTokensComputed: 98_304, GenerationTokens: 20_480, Steps: 812, PeakBlocksInUse: 1900, Preempted: 1, TotalBlocks: 4096,
            FreeBlocks: 2560),
        Activity: new ReplicaActivity(Steps: 812, PrefillTokens: 98_000, DecodeSequences: 20_400, BudgetTokens: 812 * 2048, StepSeconds: 12.5,
            RecentSteps: [new StepBudgetUse(2000, 48, 2048), new StepBudgetUse(0, 51, 2048)],
            TimeToFirstToken: new LatencyPercentiles(40, 0.051, 0.12, 0.3), TimePerOutputToken: new LatencyPercentiles(12, 0.0031, 0.004, 0.0052)));

    public static TextDelta Delta => new(1, "Hello, wörld 👋",
    [
        new SampledToken(9707, -0.25f, [new TopLogprob(9707, -0.25f), new TopLogprob(13048, -1.75f), new TopLogprob(21927, -3.5f)]),
        new SampledToken(11, -0.5f, null),
        new SampledToken(1879, -0.125f, []),
    ]);

    /// <summary>Every top-level wire message once, the failures once per kind.</summary>
    public static IEnumerable<object> All =>
    [
        new RouteGenerate(ChatRequest),
        new RouteGenerate(TextRequest),
        new RouteGenerate(TokenRequest),
        new RouteGenerate(ConstrainedRequest),
        new RouteGenerate(TextRequest with { Sampling = new SamplingParams { Constraint = GrammarSpec.Regex("[a-z]{3}") } }),
        new RouteGenerate(TextRequest with { Sampling = new SamplingParams { Constraint = GrammarSpec.Choice(["yes", "no"]) } }),
        new RouteGenerate(TextRequest with { Sampling = new SamplingParams { Constraint = GrammarSpec.JsonObject() } }),
        new RouteRefused("replica is stopping"),
        new ReplicaLoadReport("akka.tcp://qwenvl@10.0.0.2:4053", 17, Status, 42),
        new ReplicaLoadReport("akka.tcp://qwenvl@10.0.0.3:4053", 3, Status with { Activity = null }, 0),
        new PromptAccepted(123),
        Delta,
        .. Enum.GetValues<FinishReason>().Select(reason => new ChoiceFinished(1, reason, 34)),
        new CompletionFinished(120, 34, 64),
        .. Enum.GetValues<FailureKind>().Select(kind => new CompletionFailed(kind, $"{kind} happened", kind == FailureKind.InvalidRequest ? "messages[0].content" : null)),
    ];
}
