namespace QwenVL.Runtime.Sampling;

/// <summary>
/// The token a <see cref="Sampler"/> chose. <see cref="Logprob"/> is always filled, under the raw model
/// distribution (log_softmax of the unmodified logits). <see cref="TopLogprobs"/> is null unless logprobs
/// were asked for; then it holds the requested number of entries, highest first (empty when zero were asked).
/// </summary>
public readonly record struct SampledToken(int TokenId, float Logprob, TopLogprob[]? TopLogprobs);
