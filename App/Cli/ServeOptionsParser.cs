using System.Globalization;
using QwenVL.Http.Configuration;

namespace QwenVL.App.Cli;

/// <summary>
/// Reads `qwenvl serve` arguments into <see cref="ServeOptions"/>: vLLM's flag names and defaults, the model (a
/// directory or a Hub repo id) as --model or as the first bare argument, the API key from --api-key, else $QWENVL_API_KEY, else $VLLM_API_KEY.
/// Every bad value is a <see cref="CliException"/> naming its flag.
/// </summary>
public static class ServeOptionsParser
{
    public static CliSyntax Syntax { get; } = new(
        Switches: new HashSet<string>(StringComparer.Ordinal) { "enable-prefix-caching", "no-enable-prefix-caching", "disable-remote-media", "enforce-eager", "disable-frontend" },
        Lists: new HashSet<string>(StringComparer.Ordinal) { "served-model-name" },
        Valued: new HashSet<string>(StringComparer.Ordinal)
        {
            "model", "host", "port", "max-model-len", "block-size", "max-num-seqs", "max-num-batched-tokens", "kv-cache-memory",
            "gpu-memory-utilization", "device", "api-key", "generation-config", "limit-mm-per-prompt", "allowed-local-media-path",
            "min-pixels", "max-pixels", "seed", "max-waiting-requests", "max-request-body-bytes", "request-timeout",
            "revision", "hf-token", "download-dir",
            "cluster-host", "cluster-port", "seed-nodes", "role", "cluster-down-after",
        });

    public static ServeOptions Parse(string[] args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var cli = CliOptions.Parse(args, Syntax);
        if (cli.Flag("enable-prefix-caching") && cli.Flag("no-enable-prefix-caching"))
            throw new CliException("--enable-prefix-caching and --no-enable-prefix-caching contradict each other");
        var defaults = new ServeOptions { Model = "" };
        return new ServeOptions
        {
            Model = ModelPath(cli),
            Revision = cli.Optional("revision") is { } revision ? NonEmpty("revision", revision) : null,
            HubToken = cli.Optional("hf-token") is { } token ? NonEmpty("hf-token", token) : null,
            DownloadDir = cli.Optional("download-dir") is { } downloadDir ? NonEmpty("download-dir", downloadDir) : null,
            Host = cli.Optional("host") is { } host ? NonEmpty("host", host) : defaults.Host,
            Port = cli.Optional("port") is { } port ? Port(port) : defaults.Port,
            ServedModelNames = cli.List("served-model-name"),
            MaxModelLen = Count(cli, "max-model-len"),
            BlockSize = Count(cli, "block-size") ?? defaults.BlockSize,
            MaxNumSeqs = Count(cli, "max-num-seqs") ?? defaults.MaxNumSeqs,
            MaxNumBatchedTokens = Count(cli, "max-num-batched-tokens"),
            EnablePrefixCaching = !cli.Flag("no-enable-prefix-caching"),
            KvCacheMemoryBytes = Bytes(cli, "kv-cache-memory"),
            GpuMemoryUtilization = cli.Optional("gpu-memory-utilization") is { } share ? Utilization(share) : defaults.GpuMemoryUtilization,
            Device = cli.Optional("device") is { } device ? Device(device) : defaults.Device,
            EnforceEager = cli.Flag("enforce-eager"),
            ApiKey = ApiKey(cli, environment),
            DisableFrontend = cli.Flag("disable-frontend"),
            GenerationConfig = cli.Optional("generation-config") is { } config ? GenerationConfig(config) : defaults.GenerationConfig,
            Images = ImageInputOptionsParser.Parse(cli),
            Seed = cli.Optional("seed") is { } seed ? Seed(seed) : null,
            MaxWaitingRequests = Count(cli, "max-waiting-requests") ?? defaults.MaxWaitingRequests,
            MaxRequestBodyBytes = Bytes(cli, "max-request-body-bytes") ?? defaults.MaxRequestBodyBytes,
            RequestTimeout = Count(cli, "request-timeout") is int seconds ? TimeSpan.FromSeconds(seconds) : null,
            Cluster = ClusterOptionsParser.Parse(cli),
        };
    }

    private static string ModelPath(CliOptions cli)
    {
        var flag = cli.Optional("model");
        if (cli.Positionals.Count > 1) throw new CliException($"unexpected argument '{cli.Positionals[1]}'");
        var positional = cli.Positionals.Count == 1 ? cli.Positionals[0] : null;
        if (flag != null && positional != null && flag != positional)
            throw new CliException($"the model is given twice ('{positional}' and --model {flag}); give it once");
        var model = positional ?? flag ?? throw new CliException("the model is required: qwenvl serve MODEL (a directory or a Hub repo id), or --model MODEL");
        return NonEmpty("model", model);
    }

    private static string NonEmpty(string name, string value) =>
        value.Length > 0 ? value : throw new CliException($"--{name} must not be empty");

    private static int Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535
            ? port
            : throw new CliException($"--port must be a port number (0 to 65535), got '{text}'");

    /// <summary>A positive count, written plainly or as vLLM accepts it (32k, 4K).</summary>
    private static int? Count(CliOptions cli, string name)
    {
        if (cli.Optional(name) is not { } text) return null;
        if (HumanReadableNumber.TryParse(text, out long n) && n is > 0 and <= int.MaxValue) return (int)n;
        throw new CliException($"--{name} must be a positive integer (such as 4096 or 4k), got '{text}'");
    }

    private static long? Bytes(CliOptions cli, string name)
    {
        if (cli.Optional(name) is not { } text) return null;
        if (HumanReadableNumber.TryParse(text, out long n) && n > 0) return n;
        throw new CliException($"--{name} must be a positive number of bytes (such as 2147483648, 2GiB or 512MiB), got '{text}'");
    }

    private static double Utilization(string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double share) && share > 0 && share <= 1
            ? share
            : throw new CliException($"--gpu-memory-utilization must be a fraction in (0, 1], got '{text}'");

    private static ExecutionDevice Device(string text) => text switch
    {
        "auto" => ExecutionDevice.Auto,
        "cpu" => ExecutionDevice.Cpu,
        "cuda" => ExecutionDevice.Cuda,
        _ => throw new CliException($"--device must be auto, cpu or cuda, got '{text}'"),
    };

    private static long Seed(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seed)
            ? seed
            : throw new CliException($"--seed must be an integer, got '{text}'");

    private static string? ApiKey(CliOptions cli, Func<string, string?> environment)
    {
        if (cli.Optional("api-key") is { } key) return NonEmpty("api-key", key);
        var fromEnvironment = environment("QWENVL_API_KEY") ?? environment("VLLM_API_KEY");
        return string.IsNullOrEmpty(fromEnvironment) ? null : fromEnvironment;
    }

    /// <summary>"auto", "vllm", or a directory that holds a generation_config.json.</summary>
    private static string GenerationConfig(string text)
    {
        if (text is "auto" or "vllm") return text;
        if (!File.Exists(Path.Combine(text, Runtime.Model.ModelDirectory.GenerationConfigFileName)))
            throw new CliException($"--generation-config must be auto, vllm or a directory holding generation_config.json, got '{text}'");
        return Path.GetFullPath(text);
    }
}
