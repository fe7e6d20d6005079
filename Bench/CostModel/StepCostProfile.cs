using System.Text.Json.Serialization;

namespace QwenVL.Bench.CostModel;

/// <summary>
/// A calibrated cost model of one model on one device: how long a step takes as a sum of per-step, per-token,
/// per-sequence and per-patch costs (<see cref="StepCost"/> applies it), with what was measured to fit it.
/// <c>qwenvl bench profile</c> writes one; simulations load it (<see cref="StepCostProfileJson"/>) to stand in for the
/// hardware. Costs are milliseconds and never negative.
/// </summary>
public sealed record StepCostProfile
{
    /// <summary>The model measured, as named on the command line.</summary>
    [JsonPropertyName("model")] public string? Model { get; init; }

    /// <summary>The processor or GPU measured, in words.</summary>
    [JsonPropertyName("device")] public string? Device { get; init; }

    /// <summary>Which executor ran the steps: "cpu" or "cuda".</summary>
    [JsonPropertyName("executor")] public string? Executor { get; init; }

    /// <summary>KV block size, in tokens, of the measured executor; <see cref="KvBlockBytes"/> is for blocks of this size.</summary>
    [JsonPropertyName("block_size")] public required int BlockSize { get; init; }

    [JsonPropertyName("measured_at")] public DateTimeOffset? MeasuredAt { get; init; }

    /// <summary>Paid once by every step that runs the language model: launches, host packing, reading the weights once.</summary>
    [JsonPropertyName("step_overhead_ms")] public required double StepOverheadMs { get; init; }

    /// <summary>Per token of a prefill chunk: the weights' matmuls over the prompt.</summary>
    [JsonPropertyName("prefill_ms_per_token")] public required double PrefillMsPerToken { get; init; }

    /// <summary>Per prefill token and per 1,000 tokens before it in its sequence: the attention a prompt token does grows with its context.</summary>
    [JsonPropertyName("prefill_ms_per_token_per_1k_context")] public required double PrefillMsPerTokenPer1kContext { get; init; }

    /// <summary>Per sequence that decodes one token.</summary>
    [JsonPropertyName("decode_ms_per_sequence")] public required double DecodeMsPerSequence { get; init; }

    /// <summary>Per 1,000 KV tokens attention reads: each sequence of the step reads its context and its new tokens.</summary>
    [JsonPropertyName("attention_ms_per_1k_kv_tokens")] public required double AttentionMsPer1kKvTokens { get; init; }

    /// <summary>Per image patch the vision tower encodes.</summary>
    [JsonPropertyName("vision_ms_per_patch")] public required double VisionMsPerPatch { get; init; }

    /// <summary>Bytes of one KV block of <see cref="BlockSize"/> tokens; 0: computed from the model's shape.</summary>
    [JsonPropertyName("kv_block_bytes")] public required long KvBlockBytes { get; init; }

    /// <summary>
    /// Paid by every request before it reaches the scheduler and between its tokens and its client: the HTTP edge,
    /// JSON, the chat template and tokenizer, the actors' hops. Optional: 0 in a profile without it.
    /// </summary>
    [JsonPropertyName("request_overhead_ms")] public double RequestOverheadMs { get; init; }

    /// <summary>
    /// What preparing a request's pictures costs before it reaches the scheduler (base64, decoding, resizing, patching),
    /// measured at a few sizes, by increasing pixels; <see cref="RequestCost"/> interpolates. Optional: none, no cost.
    /// </summary>
    [JsonPropertyName("image_ms_by_pixels")] public IReadOnlyList<ImageCost> ImageCosts { get; init; } = [];

    /// <summary>The measurements the costs were fitted to and how well they fit; absent in a hand-written profile.</summary>
    [JsonPropertyName("fit")] public StepCostFit? Fit { get; init; }

    /// <summary>The requests the request costs were fitted to; absent in a hand-written profile.</summary>
    [JsonPropertyName("request_path")] public RequestPathFit? RequestPath { get; init; }

    /// <summary>The costs in the order of <see cref="StepShape.CopyTerms"/>.</summary>
    public void CopyCoefficients(Span<double> coefficients)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(coefficients.Length, StepShape.TermCount, nameof(coefficients));
        coefficients[0] = StepOverheadMs;
        coefficients[1] = PrefillMsPerToken;
        coefficients[2] = PrefillMsPerTokenPer1kContext;
        coefficients[3] = DecodeMsPerSequence;
        coefficients[4] = AttentionMsPer1kKvTokens;
        coefficients[5] = VisionMsPerPatch;
    }

    /// <summary>This profile with its costs replaced by <paramref name="coefficients"/>, in the order of <see cref="StepShape.CopyTerms"/>.</summary>
    public StepCostProfile WithCoefficients(ReadOnlySpan<double> coefficients)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(coefficients.Length, StepShape.TermCount, nameof(coefficients));
        return this with
        {
            StepOverheadMs = coefficients[0],
            PrefillMsPerToken = coefficients[1],
            PrefillMsPerTokenPer1kContext = coefficients[2],
            DecodeMsPerSequence = coefficients[3],
            AttentionMsPer1kKvTokens = coefficients[4],
            VisionMsPerPatch = coefficients[5],
        };
    }

    /// <summary>Throws <see cref="StepCostProfileException"/> naming the first field out of range.</summary>
    public void Validate()
    {
        Cost("step_overhead_ms", StepOverheadMs);
        Cost("prefill_ms_per_token", PrefillMsPerToken);
        Cost("prefill_ms_per_token_per_1k_context", PrefillMsPerTokenPer1kContext);
        Cost("decode_ms_per_sequence", DecodeMsPerSequence);
        Cost("attention_ms_per_1k_kv_tokens", AttentionMsPer1kKvTokens);
        Cost("vision_ms_per_patch", VisionMsPerPatch);
        Cost("request_overhead_ms", RequestOverheadMs);
        for (int i = 0; i < ImageCosts.Count; i++)
        {
            Cost($"image_ms_by_pixels[{i}].ms", ImageCosts[i].Ms);
            long previous = i > 0 ? ImageCosts[i - 1].Pixels : 0;
            if (ImageCosts[i].Pixels <= previous)
                throw new StepCostProfileException($"image_ms_by_pixels[{i}].pixels must be above {previous} (positive, increasing), got {ImageCosts[i].Pixels}");
        }
        if (KvBlockBytes < 0) throw new StepCostProfileException($"kv_block_bytes must be >= 0 (0: from the model's shape), got {KvBlockBytes}");
        if (BlockSize < 1) throw new StepCostProfileException($"block_size must be at least 1, got {BlockSize}");
    }

    private static void Cost(string field, double value)
    {
        // Written as !(x >= 0) so that NaN is refused with the negative numbers.
        if (!(value >= 0) || double.IsPositiveInfinity(value))
            throw new StepCostProfileException($"{field} must be a finite number of milliseconds >= 0, got {value}");
    }
}

/// <summary>A picture of <paramref name="Pixels"/> pixels costs <paramref name="Ms"/> milliseconds to prepare.</summary>
public sealed record ImageCost(
    [property: JsonPropertyName("pixels")] long Pixels,
    [property: JsonPropertyName("ms")] double Ms);
