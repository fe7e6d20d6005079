using System.Text.Json.Serialization;

namespace QwenVL.Bench.CostModel;

/// <summary>
/// What a step's modelled duration depends on (<see cref="StepCost"/> defines each term): the work counted once per
/// step, per prompt token, per prompt token and thousand tokens of context before it, per decoding sequence, per
/// thousand KV tokens attention reads, and per image patch. The profile fit uses the same terms as its unknowns'
/// coefficients, so the model it fits is exactly the one simulations apply.
/// </summary>
/// <param name="Steps">1 when the step runs the language model (it holds a sequence), else 0: encoding images alone
/// skips the forward pass and its fixed costs (an encode-only step on the CPU takes about a millisecond, a step of
/// the tiny model's LM head several).</param>
/// <param name="PrefillTokens">Tokens of prefill chunks: chunks of more than one token, or that do not sample.</param>
/// <param name="PrefillContextKiloTokens">Over every prefill token, the tokens before it in its sequence, in thousands.</param>
/// <param name="DecodeSequences">Sequences that decode one token and sample it.</param>
/// <param name="KvKiloTokens">Over every sequence of the step, its context plus its new tokens, in thousands.</param>
/// <param name="ImagePatches">Patches of the images the step encodes.</param>
public readonly record struct StepShape(
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("prefill_tokens")] long PrefillTokens,
    [property: JsonPropertyName("prefill_context_k_tokens")] double PrefillContextKiloTokens,
    [property: JsonPropertyName("decode_sequences")] int DecodeSequences,
    [property: JsonPropertyName("kv_k_tokens")] double KvKiloTokens,
    [property: JsonPropertyName("image_patches")] long ImagePatches)
{
    /// <summary>How many terms the cost model has: the length of <see cref="CopyTerms"/>'s output.</summary>
    public const int TermCount = 6;

    /// <summary>The terms in the order of <see cref="StepCostProfile.CopyCoefficients"/>.</summary>
    public void CopyTerms(Span<double> terms)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(terms.Length, TermCount, nameof(terms));
        terms[0] = Steps;
        terms[1] = PrefillTokens;
        terms[2] = PrefillContextKiloTokens;
        terms[3] = DecodeSequences;
        terms[4] = KvKiloTokens;
        terms[5] = ImagePatches;
    }
}
