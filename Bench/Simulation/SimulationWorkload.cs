using System.Text.Json.Serialization;
using System.Text.Json;

namespace QwenVL.Bench.Simulation;

/// <summary>A range of counts drawn uniformly (inclusive).</summary>
public sealed record CountRange([property: JsonPropertyName("min")] int Min, [property: JsonPropertyName("max")] int Max);

/// <summary>
/// A simulated workload as its JSON file describes it: how many requests arrive and how (Poisson at
/// <see cref="Rate"/> requests/s, or all at once without a rate), their prompt and output lengths, the share with an
/// image, a prompt prefix they all share (a system prompt), long prompts among them, and clients that give up.
/// </summary>
public sealed record SimulationWorkload
{
    [JsonPropertyName("requests")] public int Requests { get; init; } = 100;

    /// <summary>Poisson arrivals per second; null or 0: every request at time 0 (a burst).</summary>
    [JsonPropertyName("rate")] public double? Rate { get; init; }

    [JsonPropertyName("seed")] public int Seed { get; init; }

    [JsonPropertyName("prompt_tokens")] public CountRange PromptTokens { get; init; } = new(128, 512);

    [JsonPropertyName("output_tokens")] public CountRange OutputTokens { get; init; } = new(64, 128);

    /// <summary>The share of requests (0 to 1) that carry one generated picture.</summary>
    [JsonPropertyName("image_fraction")] public double ImageFraction { get; init; }

    /// <summary>Side of the square pictures, in pixels.</summary>
    [JsonPropertyName("image_size")] public int ImageSize { get; init; } = 448;

    /// <summary>Tokens at the start of every text prompt that are the same for all (a shared system prompt).</summary>
    [JsonPropertyName("shared_prefix_tokens")] public int SharedPrefixTokens { get; init; }

    /// <summary>The share of requests whose prompt is <see cref="LongPromptTokens"/> long instead.</summary>
    [JsonPropertyName("long_prompt_fraction")] public double LongPromptFraction { get; init; }

    [JsonPropertyName("long_prompt_tokens")] public int LongPromptTokens { get; init; } = 4096;

    /// <summary>The share of requests whose client gives up <see cref="CancelAfterSeconds"/> after sending.</summary>
    [JsonPropertyName("cancel_fraction")] public double CancelFraction { get; init; }

    [JsonPropertyName("cancel_after_s")] public double CancelAfterSeconds { get; init; } = 0.5;

    public static SimulationWorkload Load(string path)
    {
        SimulationWorkload? workload;
        try
        {
            workload = JsonSerializer.Deserialize<SimulationWorkload>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a workload: {e.Message}");
        }
        return (workload ?? throw new InvalidDataException($"{path}: empty workload")).Validated(path);
    }

    public SimulationWorkload Validated(string source = "workload")
    {
        string? error = this switch
        {
            { Requests: < 1 } => "requests must be at least 1",
            { Rate: < 0 } => "rate must be >= 0",
            { PromptTokens.Min: < 1 } or { OutputTokens.Min: < 1 } => "prompt_tokens and output_tokens need min >= 1",
            _ when PromptTokens.Max < PromptTokens.Min || OutputTokens.Max < OutputTokens.Min => "a range's max is below its min",
            _ when ImageFraction is < 0 or > 1 || CancelFraction is < 0 or > 1 || LongPromptFraction is < 0 or > 1 => "fractions lie in [0, 1]",
            { SharedPrefixTokens: < 0 } => "shared_prefix_tokens must be >= 0",
            { ImageSize: < 28 } => "image_size must be at least 28",
            _ => null,
        };
        return error == null ? this : throw new InvalidDataException($"{source}: {error}");
    }
}
