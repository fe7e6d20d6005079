namespace QwenVL.Runtime.Sampling;

/// <summary>
/// Everything a <see cref="Sampler"/> needs about one sequence at one step.
/// </summary>
/// <param name="Params">The request's validated sampling parameters.</param>
/// <param name="PromptTokens">The prompt, for the repetition penalty.</param>
/// <param name="OutputTokens">Tokens generated so far; its length is the step index fed to <see cref="SamplingRandom"/>.</param>
/// <param name="Seed">This sequence's seed, already resolved by the caller (request seed, or a fresh one; distinct per choice when n &gt; 1).</param>
/// <param name="StopTokenIds">EOS ids plus the request's stop_token_ids; these are suppressed while the output is shorter than min_tokens.</param>
/// <param name="AllowedTokens">
/// The grammar's mask for this step, 64 token ids per word (bit i of word w: id 64w + i may come next); ids past its
/// end are refused. Empty: every token is allowed. The buffer belongs to the sequence and is refilled for its next step.
/// </param>
public readonly record struct SamplingContext(
    SamplingParams Params,
    ReadOnlyMemory<int> PromptTokens,
    ReadOnlyMemory<int> OutputTokens,
    ulong Seed,
    ReadOnlyMemory<int> StopTokenIds,
    ReadOnlyMemory<ulong> AllowedTokens = default)
{
    public bool IsConstrained => !AllowedTokens.IsEmpty;

    /// <summary>Whether the host sampler has work a plain sampler lacks: a grammar mask or a logit bias.</summary>
    public bool ReshapesLogits => IsConstrained || Params.LogitBias.Count > 0;
}
