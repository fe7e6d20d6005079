using QwenVL.Runtime.Execution;

namespace QwenVL.Bench.Simulation;

/// <summary>How the steps of a run were made up: how many, and how their tokens split between prefill chunks and decodes.</summary>
public sealed class StepComposition
{
    public long Steps { get; private set; }

    public long PrefillTokens { get; private set; }

    public long DecodeTokens { get; private set; }

    public int MaxTokensInStep { get; private set; }

    public void Add(StepBatch batch)
    {
        Steps++;
        foreach (var s in batch.Sequences)
        {
            bool decode = s.TokenIds.Length == 1 && s.Sampling != null && s.ContextLength > 0;
            if (decode) DecodeTokens++;
            else PrefillTokens += s.TokenIds.Length;
        }
        MaxTokensInStep = Math.Max(MaxTokensInStep, batch.TokenCount);
    }
}
