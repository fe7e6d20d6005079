using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using QwenVL.App.Composition;
using QwenVL.Bench.Workloads;
using QwenVL.Http.Server;
using QwenVL.Runtime.Structured;

namespace QwenVL.App.Cli;

/// <summary>
/// `qwenvl bench`: hf_baseline.py's workloads through the serving stack in this process (the replica `serve` runs,
/// without HTTP), with its JSON, so the two can be compared from one GPU run. The report goes to standard output (and
/// to --json); progress and logs to standard error.
/// </summary>
public static class BenchCommand
{
    public const string Usage = """
        usage: qwenvl bench --model MODEL [--workload single_image|batch_image|batch_text|batch_json|single_text|single_json|all] [--json OUT] [options]

          Runs hf_baseline.py's workloads (../shared/gpu/hf_baseline.py) through the same replica `serve` runs, in
          this process, after a warm-up request (one image, 4 tokens), and prints its JSON report on stdout:
            single_image   1 request: one 448x448 image + "图片中有什么?", exactly 256 new tokens
            batch_image    32 such requests, each with its own image, exactly 128 new tokens each, submitted at once
            batch_text     64 requests of 440 random words (about 460 prompt tokens), exactly 128 new tokens each
            batch_json     batch_text's prompts, each output constrained to its own JSON schema of 10 properties,
                           at most 128 new tokens (it ends when complete); adds valid_fraction and the host's
                           mask cost per token (mask_us_p50, mask_us_p99), measured after the run
            single_text    1 request of batch_text's first prompt, exactly 256 new tokens
            single_json    that request constrained to batch_json's first schema, at most 256 new tokens:
                           its decode_tok_per_s_per_seq against single_text's is a constraint's single-stream cost
            all            the six, in this order (the default)
          Greedy; every request but batch_json's and single_json's generates exactly its tokens (min_tokens = max_tokens, EOS ignored).

          --model MODEL                    model directory or Hub repo id, as for serve
          --workload NAME                  (or the first bare argument) which workload to run
          --json OUT                       also write the report to OUT
          --device auto|cpu|cuda           executor (default auto)
          --max-num-seqs N, --max-num-batched-tokens N, --gpu-memory-utilization F, --kv-cache-memory BYTES,
          --max-model-len N, --block-size N, --enable-prefix-caching, --no-enable-prefix-caching,
          --revision REV, --hf-token TOKEN, --download-dir DIR
                                           as for serve (qwenvl serve --help)
          --enforce-eager                  no CUDA graphs: every GPU step launched kernel by kernel

          For quick runs only (tests, smoke checks; the figures are then not comparable with hf_baseline.py's):
          --requests N                     the batch workloads send N requests instead of 32 and 64
          --new-tokens N                   every request generates N tokens (the json ones: at most N) instead of 256 or 128
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        if (await HelpRequest.AnsweredAsync(args, stdout, Usage)) return 0;
        var options = BenchOptionsParser.Parse(args);
        BenchReport report;
        try
        {
            report = await RunAsync(options, stderr, cancellationToken);
        }
        catch (BenchRunException e)
        {
            await stderr.WriteLineAsync($"qwenvl bench: {e.Message}");
            return 1;
        }
        var json = JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport);
        await stdout.WriteLineAsync(json);
        if (options.JsonPath != null) await File.WriteAllTextAsync(options.JsonPath, json + "\n", cancellationToken);
        return 0;
    }

    private static async Task<BenchReport> RunAsync(BenchOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        using var loggerFactory = LoggerFactory.Create(ServerLogging.ConfigureStandardError);
        var clock = Stopwatch.StartNew();
        using var model = await ServeCommand.OpenAsync(options.Serve, loggerFactory, loggerFactory.CreateLogger("QwenVL.Bench"), cancellationToken);
        double loadSeconds = clock.Elapsed.TotalSeconds;
        var device = BenchDevice.Of(model.Executor);
        var parameters = ParameterBytes.Of(model.Directory);

        await using var replica = await BenchReplica.StartAsync(model, options.Serve, cancellationToken);
        await Progress(progress, $"warming up ({BenchWorkloads.WarmUp}: 1 image request, 4 tokens)");
        await WorkloadRunner.RunAsync(replica.Completions, BenchWorkloads.CreateWarmUp(), cancellationToken);
        var results = new List<(string Name, WorkloadResult Result)>();
        TokenVocabulary? vocabulary = null;
        foreach (var name in options.Workloads)
        {
            var workload = BenchWorkloads.Create(name, options.Requests, options.NewTokens);
            await Progress(progress, $"{name}: {workload.Requests.Count} request(s), {workload.NewTokensPerRequest} new tokens each");
            var run = await WorkloadRunner.RunWithOutputsAsync(replica.Completions, workload, cancellationToken);
            var result = run.Result;
            await Progress(progress, string.Create(CultureInfo.InvariantCulture,
                $"{name}: {result.NewTokens} tokens in {result.TotalSeconds:F3} s ({result.OutputTokensPerSecond:F1} tok/s), ttft {result.TtftSeconds:F3} s, {result.DecodeTokensPerSecondPerSequence:F1} tok/s per sequence"));
            if (workload.IsConstrained)
            {
                vocabulary ??= TokenVocabulary.FromTokenizer(model.Tokenizer);
                var outputs = ConstrainedOutputFigures.Measure(workload, run.Outputs, vocabulary, model.EosTokenIds);
                result = result.With(outputs);
                await Progress(progress, string.Create(CultureInfo.InvariantCulture,
                    $"{name}: {outputs.ValidFraction:P1} valid JSON objects; mask {outputs.MaskMicrosecondsP50:F1} µs p50, {outputs.MaskMicrosecondsP99:F1} µs p99 per token over {outputs.MaskedTokens} tokens"));
            }
            results.Add((name, result));
        }
        var status = await replica.Completions.GetStatusAsync(cancellationToken);

        var report = new BenchReport
        {
            Gpu = device.IsGpu ? device.Name : null,
            Device = device.Kind,
            DeviceName = device.Name,
            LoadSeconds = loadSeconds,
            LanguageModelParameterBytes = parameters.LanguageModel,
            VisionParameterBytes = parameters.VisionTower,
            Memory = MemoryFigures.Measure(model.Executor, status),
            Model = options.Serve.Model,
            Commit = SourceCommit.Find(Environment.GetEnvironmentVariable),
            Command = options.CommandLine,
            Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
        foreach (var (name, result) in results) report = report.With(name, result);
        return report;
    }

    private static Task Progress(TextWriter progress, string line) => progress.WriteLineAsync("bench: " + line);
}
