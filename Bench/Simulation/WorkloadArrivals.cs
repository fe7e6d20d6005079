using QwenVL.Actors.Messages;
using QwenVL.Bench.Load;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Bench.Simulation;

/// <summary>
/// Turns a workload into its requests, deterministically from its seed: arrival times, text prompts as token ids
/// (drawn from plain words, the shared prefix first), image requests as a chat message with a generated picture, and
/// sampling that generates exactly the drawn output length. Each request's seed is its index × the observer's stride,
/// which is how the observer tells whose tokens a step produced.
/// </summary>
public static class WorkloadArrivals
{
    public static IReadOnlyList<SimulatedArrival> Build(SimulationWorkload workload, IReadOnlyList<int> wordTokens)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(wordTokens);
        if (wordTokens.Count == 0) throw new ArgumentException("no word tokens to build prompts from", nameof(wordTokens));
        var random = new Random(workload.Seed);
        var prefix = Enumerable.Range(0, workload.SharedPrefixTokens).Select(_ => wordTokens[random.Next(wordTokens.Count)]).ToArray();
        var arrivals = new SimulatedArrival[workload.Requests];
        double at = 0;
        for (int i = 0; i < workload.Requests; i++)
        {
            if (workload.Rate is > 0 and var rate) at += -Math.Log(1 - random.NextDouble()) / rate;
            int output = Draw(random, workload.OutputTokens);
            bool image = random.NextDouble() < workload.ImageFraction;
            PromptSpec prompt = image ? ImagePrompt(random, workload, i) : TextPrompt(random, workload, wordTokens, prefix);
            var sampling = new SamplingParams { Temperature = 0, MaxTokens = output, MinTokens = output, IgnoreEos = true, Seed = (long)i * SimulationObserver.SeedStride };
            double? cancel = random.NextDouble() < workload.CancelFraction ? workload.CancelAfterSeconds : null;
            long pixels = image ? (long)workload.ImageSize * workload.ImageSize : 0;
            arrivals[i] = new SimulatedArrival(at, new GenerateRequest($"sim-{i}", prompt, sampling), cancel, pixels);
        }
        return arrivals;
    }

    private static int Draw(Random random, CountRange range) => random.Next(range.Min, range.Max + 1);

    private static TokenPrompt TextPrompt(Random random, SimulationWorkload workload, IReadOnlyList<int> words, int[] prefix)
    {
        int length = random.NextDouble() < workload.LongPromptFraction ? workload.LongPromptTokens : Draw(random, workload.PromptTokens);
        var tokens = new int[Math.Max(length, prefix.Length + 1)];
        prefix.CopyTo(tokens, 0);
        for (int i = prefix.Length; i < tokens.Length; i++) tokens[i] = words[random.Next(words.Count)];
        return new TokenPrompt(tokens);
    }

    private static ChatPrompt ImagePrompt(Random random, SimulationWorkload workload, int index)
    {
        string url = SyntheticImage.DataUrl(index, BenchImageFormat.Png, workload.ImageSize);
        var text = $"Describe picture {index} in {Draw(random, workload.OutputTokens)} words.";
        var message = new ChatMessage("user", [new ImagePart(url), new TextPart(text)]);
        return new ChatPrompt([message], [new ImageInput(url, "messages[0].content[0].image_url")]);
    }
}
