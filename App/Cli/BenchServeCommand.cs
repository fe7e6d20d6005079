using System.Net.Http.Headers;
using System.Text.Json;
using QwenVL.Bench.Load;
using QwenVL.Bench.Workloads;

namespace QwenVL.App.Cli;

/// <summary>
/// <c>qwenvl bench serve</c>: an online benchmark of a running OpenAI-compatible server (this one or vLLM), as vLLM's
/// benchmark_serving runs one: it builds the requests, sends them at Poisson arrival times through streamed chat
/// completions, then prints the latency and throughput table (and writes the JSON result with --json). Exits 0 when
/// every request succeeded, 1 when any failed or the server could not be asked for its model, 2 for bad arguments.
/// </summary>
public static class BenchServeCommand
{
    public const string Usage = """
        usage: qwenvl bench serve --url URL [options]

          Sends streamed chat completions to a running OpenAI-compatible server (qwenvl serve, vllm serve) and reports
          TTFT, TPOT, inter-token and end-to-end latency and throughput, as vLLM's benchmark_serving does.

          --url URL                 the server's base address, such as http://127.0.0.1:8000 (a trailing /v1 is fine)
          --model NAME              the model requests name (default: the first of GET /v1/models)
          --num-prompts N           requests to send (default 1000)
          --request-rate R          Poisson arrivals per second, or inf to send all at once (default inf)
          --max-concurrency C       most requests in flight at once (default: no limit)
          --workload KIND           image: a generated 448x448 picture and 图片中有什么?; text: --input-len random
                                    words; mixed: either, about half each (default image)
          --image-format png|jpeg   how the pictures are encoded (default png)
          --input-len N             words in a text prompt (default 256)
          --output-len N            tokens each request generates: max_tokens = min_tokens = N, ignore_eos (default 128)
          --seed N                  seed of the prompts, pictures and arrival times (default 0)
          --api-key KEY             sent as 'Authorization: Bearer KEY' (default $OPENAI_API_KEY)
          --json FILE               also write the result as JSON (benchmark_serving's keys, per-request values)
          --timeout SECONDS         limit for one request, from sending it to the end of its stream (default 21600)
        """;

    private static readonly TimeSpan ModelsTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        if (await HelpRequest.AnsweredAsync(args, stdout, Usage)) return 0;
        var options = BenchServeOptionsParser.Parse(args, Environment.GetEnvironmentVariable);
        CheckJsonFolder(options.JsonPath);
        using var http = CreateHttpClient(options);
        string model;
        try
        {
            model = options.Model ?? await FirstModelAsync(http, options, cancellationToken);
        }
        catch (BenchServeException e)
        {
            await stderr.WriteLineAsync($"qwenvl bench serve: {e.Message}");
            return 1;
        }

        await stderr.WriteLineAsync($"Building {options.NumPrompts} {Describe(options)} requests for model {model} ...");
        var requests = BenchPrompts.Build(options, model);
        var offsets = PoissonArrivals.Offsets(options.NumPrompts, options.RequestRate, options.Seed);
        await stderr.WriteLineAsync($"Traffic request rate: {(double.IsPositiveInfinity(options.RequestRate) ? "inf" : options.RequestRate)}");
        await stderr.WriteLineAsync($"Maximum request concurrency: {options.MaxConcurrency?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "None"}");
        await stderr.WriteLineAsync($"Sending to {options.ChatCompletionsUrl} ...");

        var client = new ChatStreamClient(http, options.ChatCompletionsUrl, options.ApiKey, options.Timeout);
        LoadRun run;
        await using (var progress = new BenchProgress(requests.Count, stderr, IsTerminal(stderr)))
            run = await LoadGenerator.RunAsync(requests, offsets, options.MaxConcurrency, client.SendAsync, progress.Record, cancellationToken);

        var report = BenchServeReport.From(run);
        BenchReportTable.Write(stdout, report, options);
        if (options.JsonPath != null)
        {
            try
            {
                await using (var file = File.Create(options.JsonPath))
                    BenchReportJson.Write(file, report, run, options, model, DateTimeOffset.Now);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"qwenvl bench serve: cannot write {options.JsonPath}: {e.Message}");
                return 1;
            }
            await stderr.WriteLineAsync($"Result written to {options.JsonPath}");
        }
        return report.Failed == 0 ? 0 : 1;
    }

    /// <summary>Found before the run rather than after it, so a mistyped path does not waste the benchmark.</summary>
    private static void CheckJsonFolder(string? path)
    {
        if (path == null) return;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder != null && !Directory.Exists(folder)) throw new CliException($"--json: the folder {folder} does not exist");
    }

    private static string Describe(BenchServeOptions options) => options.Workload switch
    {
        ServeWorkload.Image => $"image ({options.ImageFormat.ToString().ToUpperInvariant()} {SyntheticImage.DefaultSize}x{SyntheticImage.DefaultSize})",
        ServeWorkload.Text => $"text ({options.InputLen} words)",
        _ => $"mixed (image or {options.InputLen} words)",
    };

    /// <summary>
    /// One client for the whole run: connections are pooled and unlimited per server, as aiohttp's are in
    /// benchmark_serving; the per-request limit is <see cref="ChatStreamClient"/>'s, so HttpClient's own is off. A
    /// connect that hangs (an address that drops packets) fails after 30 s rather than the system's minutes.
    /// </summary>
    private static HttpClient CreateHttpClient(BenchServeOptions options) =>
        new(new SocketsHttpHandler { ConnectTimeout = options.Timeout < ConnectTimeout ? options.Timeout : ConnectTimeout })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    private static async Task<string> FirstModelAsync(HttpClient http, BenchServeOptions options, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ModelsTimeout);
        var url = options.ModelsUrl;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (options.ApiKey != null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
            using var response = await http.SendAsync(request, limit.Token);
            var body = await response.Content.ReadAsStringAsync(limit.Token);
            if (!response.IsSuccessStatusCode)
                throw new BenchServeException($"GET {url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {ChatStreamMeter.Shorten(body)}");
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("data", out var data)
                && data.ValueKind == JsonValueKind.Array && data.GetArrayLength() > 0
                && data[0].TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                return id.GetString()!;
            throw new BenchServeException($"GET {url} lists no model; name one with --model");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BenchServeException($"GET {url} had no answer within {ModelsTimeout.TotalSeconds} s; is the server up? (--model skips this)");
        }
        catch (HttpRequestException e)
        {
            throw new BenchServeException($"cannot reach {url}: {e.Message}; is the server up? (--model skips this)");
        }
        catch (JsonException)
        {
            throw new BenchServeException($"GET {url} did not answer JSON; is --url an OpenAI-compatible server?");
        }
    }

    private static bool IsTerminal(TextWriter stderr) => ReferenceEquals(stderr, Console.Error) && ProgressDisplay.ConsoleTerminal() != null;

    /// <summary>The server could not be asked what to benchmark; the command reports it and exits 1.</summary>
    private sealed class BenchServeException(string message) : Exception(message);
}
