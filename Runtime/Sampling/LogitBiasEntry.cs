namespace QwenVL.Runtime.Sampling;

/// <summary>One entry of OpenAI's logit_bias: added to the token's logit before sampling (−100 bans it, 100 all but forces it).</summary>
public sealed record LogitBiasEntry(int TokenId, double Bias)
{
    public const double MaxMagnitude = 100;
}
