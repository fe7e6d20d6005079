using QwenVL.Actors.Messages;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Text;
using QwenVL.Runtime.Vision;

namespace QwenVL.Bench.Workloads;

/// <summary>
/// One workload: requests submitted together, each to generate exactly <see cref="NewTokensPerRequest"/> tokens, or at
/// most that many when <see cref="IsConstrained"/> (a constrained output ends when it is complete).
/// </summary>
public sealed record BenchWorkload(string Name, IReadOnlyList<GenerateRequest> Requests, int NewTokensPerRequest, bool IsConstrained = false);

/// <summary>
/// hf_baseline.py's workloads as requests to the serving stack: the same prompts through the chat template, greedy,
/// and every request generating exactly its token count (min_tokens = max_tokens, EOS ignored), as Hugging Face's
/// min_new_tokens = max_new_tokens does. batch_json is this project's own: batch_text's prompts with each output
/// constrained to a JSON schema, ending when complete; single_text and single_json are one such request each,
/// unconstrained and constrained, for the single-stream cost of a constraint.
/// </summary>
public static class BenchWorkloads
{
    public const string SingleImage = "single_image";
    public const string BatchImage = "batch_image";
    public const string BatchText = "batch_text";
    public const string BatchJson = "batch_json";
    public const string SingleText = "single_text";
    public const string SingleJson = "single_json";
    public const string WarmUp = "warm_up";

    public const string Question = "图片中有什么?";
    public const int TextPromptWords = 440;

    private const int TextSeed = 7;

    /// <summary>hf_baseline.py's word list, in its order.</summary>
    private static readonly string[] Words = "the quick brown fox jumps over a lazy dog while seven wizards quietly judge boxing "
        .Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static IReadOnlyList<string> Names { get; } = [SingleImage, BatchImage, BatchText, BatchJson, SingleText, SingleJson];

    /// <summary>The workload <paramref name="name"/>; <paramref name="requests"/> and <paramref name="newTokens"/> shrink it for quick runs.</summary>
    public static BenchWorkload Create(string name, int? requests = null, int? newTokens = null) => name switch
    {
        SingleImage => Images(SingleImage, [1], newTokens ?? 256),
        BatchImage => Images(BatchImage, Enumerable.Range(0, requests ?? 32).ToArray(), newTokens ?? 128),
        BatchText => Texts(BatchText, requests ?? 64, newTokens ?? 128),
        BatchJson => Jsons(BatchJson, requests ?? 64, newTokens ?? 128),
        SingleText => Texts(SingleText, 1, newTokens ?? 256),
        SingleJson => Jsons(SingleJson, 1, newTokens ?? 256),
        _ => throw new ArgumentException($"unknown workload '{name}'", nameof(name)),
    };

    /// <summary>As hf_baseline.py warms up: one image request, 4 tokens.</summary>
    public static BenchWorkload CreateWarmUp() => Images(WarmUp, [0], 4);

    /// <summary>The words of text prompt <paramref name="index"/>: hf_baseline.py's draws with replacement from its list.</summary>
    public static string TextPrompt(int index)
    {
        var words = new string[TextPromptWords];
        for (int j = 0; j < words.Length; j++)
            words[j] = Words[(int)(SamplingRandom.Uniform(TextSeed, index * TextPromptWords + j) * Words.Length)];
        return string.Join(' ', words);
    }

    /// <summary>Exactly <paramref name="tokens"/> tokens, greedy. Logprobs (no top ones) make every token its own event,
    /// which is what TTFT and the token counts are read from; the sampler computes the chosen token's logprob anyway.</summary>
    public static SamplingParams Exactly(int tokens) =>
        new() { Temperature = 0, MaxTokens = tokens, MinTokens = tokens, IgnoreEos = true, Logprobs = true };

    /// <summary>
    /// Up to <paramref name="tokens"/> tokens of JSON matching <paramref name="schema"/>, greedy, with logprobs as in
    /// <see cref="Exactly"/>. EOS is not ignored and min_tokens is 0: a constraint refuses ignore_eos, since its output
    /// ends when complete.
    /// </summary>
    public static SamplingParams JsonUpTo(int tokens, string schema) =>
        new() { Temperature = 0, MaxTokens = tokens, Logprobs = true, Constraint = GrammarSpec.JsonSchema(schema) };

    private static BenchWorkload Images(string name, int[] seeds, int newTokens)
    {
        var requests = new GenerateRequest[seeds.Length];
        for (int i = 0; i < seeds.Length; i++)
        {
            var url = BenchImages.DataUrl(BenchImages.Create(name, seeds[i]));
            var message = new ChatMessage("user", [new ImagePart(url), new TextPart(Question)]);
            requests[i] = new GenerateRequest($"{name}-{i}", new ChatPrompt([message], [new ImageInput(url, "messages[0].content[0]")]),
                Exactly(newTokens));
        }
        return new BenchWorkload(name, requests, newTokens);
    }

    private static BenchWorkload Texts(string name, int count, int newTokens)
    {
        var requests = new GenerateRequest[count];
        for (int i = 0; i < count; i++)
            requests[i] = new GenerateRequest($"{name}-{i}", new ChatPrompt([ChatMessage.FromText("user", TextPrompt(i))], []), Exactly(newTokens));
        return new BenchWorkload(name, requests, newTokens);
    }

    /// <summary>batch_text's prompts, each request constrained to its own schema (<see cref="BenchSchemas"/>).</summary>
    private static BenchWorkload Jsons(string name, int count, int maxTokens)
    {
        var requests = new GenerateRequest[count];
        for (int i = 0; i < count; i++)
            requests[i] = new GenerateRequest($"{name}-{i}", new ChatPrompt([ChatMessage.FromText("user", TextPrompt(i))], []),
                JsonUpTo(maxTokens, BenchSchemas.Create(i)));
        return new BenchWorkload(name, requests, maxTokens, IsConstrained: true);
    }
}
