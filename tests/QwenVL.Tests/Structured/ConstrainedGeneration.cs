using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Structured;
using QwenVL.Tests.Fixtures;
using QwenVL.Tests.Scheduling;
using QwenVL.Tests.Text;

namespace QwenVL.Tests.Structured;

/// <summary>
/// Constrained generation on the tiny model (random weights: only the constraint makes an output valid) through
/// the real scheduler and CPU executor, by the same loop `qwenvl generate` runs.
/// </summary>
internal static class ConstrainedGeneration
{
    public const int MaxTokens = 400;

    public static PreparedPrompt Prompt { get; } = new(PromptInput.FromText(TinyReference.Instance.Chat("text_hello").InputIds), []);

    /// <summary>n seeded choices at temperature 1 under <paramref name="spec"/>, all in one batch.</summary>
    public static IReadOnlyList<GeneratedChoice> Sample(GrammarSpec spec, int n, long seed = 7, int maxTokens = MaxTokens)
    {
        var p = new SamplingParams { Temperature = 1.0, MaxTokens = maxTokens, N = n, Seed = seed, Constraint = spec };
        // Room for every choice's whole output at once, so nothing is preempted.
        int blocks = n * ((Prompt.Prompt.Tokens.Length + maxTokens) / 16 + 2);
        using var executor = TinyModel.NewExecutor(blocks);
        return Loop(executor, blocks).Run(Prompt, p).Choices;
    }

    /// <summary>The fixture's loop, compiling through the tests' shared grammar cache.</summary>
    public static GenerationLoop Loop(Runtime.Cpu.CpuExecutor executor, int blocks, int stepTokens = 2048) =>
        new(executor, FixturePrompts.Config(executor, blocks, stepTokens), SharedTokenizer.Instance, FixturePrompts.Eos, StructuredKit.Outputs);

    /// <summary>
    /// The most one token of <paramref name="tokens"/> added to the bytes still needed to complete the output: the
    /// finishing margin must cover it for an output to end valid within its budget.
    /// </summary>
    public static int LargestOpening(CompiledGrammar grammar, int[] tokens)
    {
        var matcher = new GrammarMatcher(grammar, FixturePrompts.Eos);
        int largest = 0;
        foreach (var token in tokens)
        {
            int before = matcher.MinBytesToComplete;
            if (!matcher.TryAccept(token)) break;
            largest = Math.Max(largest, matcher.MinBytesToComplete - before + 1);
        }
        return largest;
    }
}
