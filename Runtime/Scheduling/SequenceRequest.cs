using QwenVL.Runtime.Execution;
using QwenVL.Runtime.Generation;
using QwenVL.Runtime.Sampling;
using QwenVL.Runtime.Structured;
using QwenVL.Runtime.Vision;

namespace QwenVL.Runtime.Scheduling;

/// <summary>One of a prompt's images, in the order of <see cref="PromptInput.Images"/>.</summary>
public sealed record SequenceImage(ImageKey Key, PixelPatches Patches);

/// <summary>
/// One sequence to generate. A request with n choices becomes n of these over the same prompt; prefix
/// caching and the encoder cache let them share its blocks and images.
/// </summary>
/// <param name="MaxTokens">already resolved: at most the model's maximum length minus the prompt's</param>
/// <param name="StopTokenIds">EOS ids (unless ignore_eos) plus the request's stop_token_ids</param>
/// <param name="Grammar">the compiled <see cref="SamplingParams.Constraint"/>; each sequence runs its own matcher over it</param>
public sealed record SequenceRequest(
    SequenceId Id,
    PromptInput Prompt,
    IReadOnlyList<SequenceImage> Images,
    SamplingParams Params,
    ulong Seed,
    int MaxTokens,
    int[] StopTokenIds,
    CompiledGrammar? Grammar = null);
