using System.Globalization;
using QwenVL.Bench.Load;

namespace QwenVL.App.Cli;

/// <summary>
/// Reads <c>qwenvl bench serve</c> arguments into <see cref="BenchServeOptions"/>, with benchmark_serving's flag names
/// (dashes or underscores); the API key from --api-key, else $OPENAI_API_KEY. Every bad value is a
/// <see cref="CliException"/> naming its flag.
/// </summary>
public static class BenchServeOptionsParser
{
    private static readonly CliSyntax Syntax = new(
        Switches: new HashSet<string>(StringComparer.Ordinal),
        Lists: new HashSet<string>(StringComparer.Ordinal),
        Valued: new HashSet<string>(StringComparer.Ordinal)
        {
            "url", "model", "num-prompts", "request-rate", "max-concurrency", "workload", "input-len", "output-len", "seed",
            "api-key", "json", "timeout", "image-format",
        });

    public static BenchServeOptions Parse(string[] args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var cli = CliOptions.Parse(args, Syntax);
        if (cli.Positionals.Count > 0) throw new CliException($"unexpected argument '{cli.Positionals[0]}'");
        var defaults = new BenchServeOptions { BaseUrl = new Uri("http://localhost/") };
        return new BenchServeOptions
        {
            BaseUrl = BaseUrl(cli.Optional("url") ?? throw new CliException("--url is required (the server's base address, such as http://127.0.0.1:8000)")),
            Model = cli.Optional("model") is { } model ? NonEmpty("model", model) : null,
            NumPrompts = Count(cli, "num-prompts") ?? defaults.NumPrompts,
            RequestRate = cli.Optional("request-rate") is { } rate ? Rate(rate) : defaults.RequestRate,
            MaxConcurrency = Count(cli, "max-concurrency"),
            Workload = cli.Optional("workload") is { } workload ? Workload(workload) : defaults.Workload,
            InputLen = Count(cli, "input-len") ?? defaults.InputLen,
            OutputLen = Count(cli, "output-len") ?? defaults.OutputLen,
            Seed = cli.Optional("seed") is { } seed ? Seed(seed) : defaults.Seed,
            ApiKey = cli.Optional("api-key") is { } key ? NonEmpty("api-key", key) : NullIfEmpty(environment("OPENAI_API_KEY")),
            JsonPath = cli.Optional("json") is { } json ? NonEmpty("json", json) : null,
            Timeout = cli.Optional("timeout") is { } timeout ? Timeout(timeout) : defaults.Timeout,
            ImageFormat = cli.Optional("image-format") is { } format ? ImageFormat(format) : defaults.ImageFormat,
        };
    }

    /// <summary>
    /// An absolute http(s) address; a trailing /v1 is dropped, since users often paste the OpenAI base URL, and the
    /// path ends with a slash so the endpoints resolve under it (http://host/prefix/ + v1/models).
    /// </summary>
    private static Uri BaseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            throw new CliException($"--url must be an http:// or https:// address such as http://127.0.0.1:8000, got '{text}'");
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v1", StringComparison.Ordinal)) path = path[..^3];
        return new UriBuilder(uri) { Path = path + "/", Query = "", Fragment = "" }.Uri;
    }

    private static string NonEmpty(string name, string value) =>
        value.Length > 0 ? value : throw new CliException($"--{name} must not be empty");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A positive count, written plainly or as vLLM accepts it (1k).</summary>
    private static int? Count(CliOptions cli, string name)
    {
        if (cli.Optional(name) is not { } text) return null;
        if (HumanReadableNumber.TryParse(text, out long n) && n is > 0 and <= int.MaxValue) return (int)n;
        throw new CliException($"--{name} must be a positive integer, got '{text}'");
    }

    private static double Rate(string text)
    {
        if (text is "inf" or "Infinity") return double.PositiveInfinity;
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double rate) && rate > 0 && double.IsFinite(rate))
            return rate;
        throw new CliException($"--request-rate must be a positive number of requests per second or inf, got '{text}'");
    }

    private static ServeWorkload Workload(string text) => text switch
    {
        "image" => ServeWorkload.Image,
        "text" => ServeWorkload.Text,
        "mixed" => ServeWorkload.Mixed,
        _ => throw new CliException($"--workload must be image, text or mixed, got '{text}'"),
    };

    private static BenchImageFormat ImageFormat(string text) => text switch
    {
        "png" => BenchImageFormat.Png,
        "jpeg" or "jpg" => BenchImageFormat.Jpeg,
        _ => throw new CliException($"--image-format must be png or jpeg, got '{text}'"),
    };

    private static long Seed(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seed)
            ? seed
            : throw new CliException($"--seed must be an integer, got '{text}'");

    private static TimeSpan Timeout(string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && seconds <= int.MaxValue / 1000.0
            ? TimeSpan.FromSeconds(seconds)
            : throw new CliException($"--timeout must be a positive number of seconds, got '{text}'");
}
