using QwenVL.Actors.Messages;
using QwenVL.Http.Completions;
using QwenVL.Http.Metrics;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Text;
using Microsoft.Extensions.Logging.Abstractions;
using QwenVL.Http.Configuration;

namespace QwenVL.Tests.Http;

/// <summary>The tiny fixture as the HTTP edge serves it (named "tiny"), and scripted event streams for the fake service.</summary>
public static class EdgeFixtures
{
    public const string ModelName = "tiny";

    public static ServedModel Model(ImageInputOptions? images = null, string generationConfig = "auto")
    {
        var directory = TinyModel.Directory;
        return new ServedModel([ModelName, "tiny-alias"], FixturePaths.TinyModel, directory.Config.Architecture,
            directory.Config.Text.MaxPositionEmbeddings, directory.Config.Text.VocabSize, SharedTokenizer.Instance,
            ServedModel.SamplingDefaultsOf(directory, generationConfig), directory.Preprocessor, images ?? ImageInputOptions.Default);
    }

    public static CompletionServices Services(FakeCompletionService fake, ServingMetrics? metrics = null) =>
        new(fake, Model(), metrics ?? new ServingMetrics(), NullLogger<CompletionRun>.Instance, TimeProvider.System);

    /// <summary>A sampled token of <paramref name="text"/>'s first token id, with two top logprobs.</summary>
    public static SampledToken Token(string text, float logprob = -0.25f)
    {
        int id = SharedTokenizer.Instance.Encode(text)[0];
        int other = SharedTokenizer.Instance.Encode("zebra")[0];
        return new SampledToken(id, logprob, [new TopLogprob(id, logprob), new TopLogprob(other, logprob - 2)]);
    }

    public static TextDelta Delta(int choice, string text) => new(choice, text, [Token(text)]);

    /// <summary>One choice: "Hello" then " world", stopped; 7 prompt tokens.</summary>
    public static CompletionEvent[] OneChoice() =>
    [
        new PromptAccepted(7),
        Delta(0, "Hello"),
        Delta(0, " world"),
        new ChoiceFinished(0, FinishReason.Stop, 2),
        new CompletionFinished(7, 2, 0),
    ];

    /// <summary>Two interleaved choices: "Hello world" (stop) and "Bye now" (length); 7 prompt tokens.</summary>
    public static CompletionEvent[] TwoChoices() =>
    [
        new PromptAccepted(7),
        Delta(0, "Hello"),
        Delta(1, "Bye"),
        Delta(0, " world"),
        new ChoiceFinished(0, FinishReason.Stop, 2),
        Delta(1, " now"),
        new ChoiceFinished(1, FinishReason.Length, 2),
        new CompletionFinished(7, 4, 0),
    ];
}
