using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Positions;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Scheduling;
using QwenVL.Runtime.Vision;

namespace QwenVL.Tests.Scheduling;

/// <summary>Made-up sequences for policy tests: text prompts of given token ids, and prompts with fake images.</summary>
internal static class Requests
{
    public const int ImageToken = 151655;
    public static readonly SamplingParams Greedy = new() { Temperature = 0 };

    /// <summary>Distinct-looking token ids, reproducible from <paramref name="seed"/>.</summary>
    public static int[] Tokens(int count, int seed) => Enumerable.Range(0, count).Select(i => 10 + (seed * 97 + i * 13) % 900).ToArray();

    public static SequenceRequest Text(long id, int[] tokens, int maxTokens = 8, int[]? stop = null, SamplingParams? p = null) =>
        new(new SequenceId(id), PromptInput.FromText(tokens), [], p ?? Greedy, (ulong)id, maxTokens, stop ?? []);

    /// <summary>
    /// A prompt of <paramref name="before"/>, then each image as its run of pad tokens (a 1×2h×2w grid
    /// makes h·w tokens), then <paramref name="after"/>. The image's key is its name: two names with the
    /// same grid give the same token ids but different pictures.
    /// </summary>
    public static SequenceRequest WithImages(long id, int[] before, (string Name, int H, int W)[] images, int[] after, int maxTokens = 8)
    {
        var tokens = new List<int>(before);
        var spans = new List<ImageSpan>();
        var grids = new List<ImageGrid>();
        var inputs = new List<SequenceImage>();
        foreach (var (name, h, w) in images)
        {
            spans.Add(new ImageSpan(spans.Count, tokens.Count, h * w));
            tokens.AddRange(Enumerable.Repeat(ImageToken, h * w));
            grids.Add(new ImageGrid(1, 2 * h, 2 * w));
            inputs.Add(new SequenceImage(new ImageKey(name), new PixelPatches([], 1, 2 * h, 2 * w)));
        }
        tokens.AddRange(after);
        var ids = tokens.ToArray();
        var positions = MRopePositions.ForPrompt(ids, grids, ImageToken, 2, out int delta);
        var prompt = new PromptInput(ids, positions, delta, spans);
        return new SequenceRequest(new SequenceId(id), prompt, inputs, Greedy, (ulong)id, maxTokens, []);
    }

    /// <summary>Adds the requests to the scheduler and tells the fake about them.</summary>
    public static void AddAll(Scheduler scheduler, FakeExecutor fake, params SequenceRequest[] requests)
    {
        foreach (var r in requests)
        {
            fake.Expect(r);
            if (scheduler.Add(r) != AddOutcome.Accepted) throw new InvalidOperationException($"sequence {r.Id} was not accepted");
        }
    }
}
