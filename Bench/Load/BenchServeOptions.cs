namespace QwenVL.Bench.Load;

/// <summary>What each request of <c>qwenvl bench serve</c> asks.</summary>
public enum ServeWorkload
{
    /// <summary>One generated 448×448 image and the question 图片中有什么?</summary>
    Image,

    /// <summary>A prompt of random words.</summary>
    Text,

    /// <summary>Image or text, chosen per request by the seed (about half each).</summary>
    Mixed,
}

/// <summary>How the generated images are encoded into their data URLs.</summary>
public enum BenchImageFormat
{
    Png,
    Jpeg,
}

/// <summary>
/// The settings of one <c>qwenvl bench serve</c> run; defaults follow vLLM's benchmark_serving (1000 prompts, all sent
/// at once, no concurrency cap, 128 output tokens, seed 0, a 6-hour request timeout).
/// </summary>
public sealed record BenchServeOptions
{
    /// <summary>The server's base address, without /v1 (http://127.0.0.1:8000).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The model name requests carry; null: the first of GET /v1/models.</summary>
    public string? Model { get; init; }

    public int NumPrompts { get; init; } = 1000;

    /// <summary>Mean Poisson arrivals per second; infinity sends every request at once.</summary>
    public double RequestRate { get; init; } = double.PositiveInfinity;

    /// <summary>Most requests in flight at once; null: no limit.</summary>
    public int? MaxConcurrency { get; init; }

    public ServeWorkload Workload { get; init; } = ServeWorkload.Image;

    /// <summary>Words in a text prompt.</summary>
    public int InputLen { get; init; } = 256;

    /// <summary>Tokens each request generates (max_tokens = min_tokens, ignore_eos).</summary>
    public int OutputLen { get; init; } = 128;

    public long Seed { get; init; }

    public string? ApiKey { get; init; }

    /// <summary>Where the JSON result goes; null: nowhere.</summary>
    public string? JsonPath { get; init; }

    /// <summary>The limit for one request, from sending it to the end of its stream.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(6);

    public BenchImageFormat ImageFormat { get; init; } = BenchImageFormat.Png;

    /// <summary>The chat completions endpoint under <see cref="BaseUrl"/>.</summary>
    public Uri ChatCompletionsUrl => new(BaseUrl, "v1/chat/completions");

    public Uri ModelsUrl => new(BaseUrl, "v1/models");
}
