using System.Globalization;
using System.Text.Json;
using QwenVL.Http.Protocol;
using QwenVL.Runtime.Sampling;

namespace QwenVL.Http.Structured;

/// <summary>
/// OpenAI's logit_bias, {"token id": bias}, as the sampler's entries: ids within the model's vocabulary (its logits'
/// width, not the tokenizer's count), biases in [-100, 100]. Anything else is a 400 naming logit_bias.
/// </summary>
public static class LogitBiasMapper
{
    private const string Field = "logit_bias";

    public static IReadOnlyList<LogitBiasEntry> Map(JsonElement? logitBias, int vocabSize)
    {
        if (logitBias is not JsonElement map || map.ValueKind == JsonValueKind.Null) return [];
        if (map.ValueKind != JsonValueKind.Object)
            throw new InvalidRequestException("logit_bias must be an object mapping token ids to numbers", Field);
        var entries = new List<LogitBiasEntry>();
        foreach (var member in map.EnumerateObject())
        {
            if (!int.TryParse(member.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                throw new InvalidRequestException($"logit_bias: '{member.Name}' is not a token id (a non-negative integer)", Field);
            if (id >= vocabSize)
                throw new InvalidRequestException(
                    $"logit_bias: token id {id} is out of the vocabulary (the model has {vocabSize} tokens, ids 0 to {vocabSize - 1})", Field);
            if (member.Value.ValueKind != JsonValueKind.Number || !member.Value.TryGetDouble(out double bias))
                throw new InvalidRequestException($"logit_bias: the bias of token {id} must be a number", Field);
            if (!(Math.Abs(bias) <= LogitBiasEntry.MaxMagnitude))
                throw new InvalidRequestException($"logit_bias: the bias of token {id} must be in [-100, 100], got {bias}", Field);
            entries.Add(new LogitBiasEntry(id, bias));
        }
        return entries;
    }
}
