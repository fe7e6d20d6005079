namespace QwenVL.Runtime.Sampling;

/// <summary>One entry of a top-logprobs list: a token and its log-probability under the raw model distribution.</summary>
public readonly record struct TopLogprob(int TokenId, float Logprob);
