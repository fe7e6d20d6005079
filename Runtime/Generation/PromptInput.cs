using QwenVL.Runtime.Positions;

namespace QwenVL.Runtime.Generation;

/// <summary>
/// A tokenized prompt with its M-RoPE position ids (plane-major) and the rope delta that decode
/// positions continue from: the position of output token k is PromptLength + k + RopeDelta.
/// </summary>
public sealed record PromptInput(int[] Tokens, int[] Positions, int RopeDelta)
{
    public static PromptInput FromText(int[] tokens) => new(tokens, MRopePositions.ForText(0, tokens.Length), 0);
}
