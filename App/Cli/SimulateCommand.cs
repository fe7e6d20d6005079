using System.Globalization;
using QwenVL.Bench.CostModel;
using QwenVL.Bench.Simulation;
using QwenVL.Runtime.Model;
using QwenVL.Runtime.Text;

namespace QwenVL.App.Cli;

/// <summary>
/// `qwenvl simulate`: a workload through the real actors over the modelled executor on virtual time, reported as
/// `bench serve` reports a real run, with the steps' composition and the end-state invariants.
/// </summary>
public static class SimulateCommand
{
    public const string Usage = """
        usage: qwenvl simulate --profile PROFILE.json --workload WORKLOAD.json --model DIR [options]

          Runs the workload through the real request, scheduler and engine actors over a simulated executor whose steps
          take the time the profile (qwenvl bench profile) models, on virtual time: minutes of serving in seconds. Each
          request reaches the scheduler after its request path's modelled time (the profile's request_overhead_ms and
          image_ms_by_pixels: HTTP, tokenizing, decoding its pictures), as a client of a real server would see it.
          Prints bench serve's metrics (TTFT, TPOT, ITL, end-to-end latency, throughput) in virtual time.

          --model DIR                      the model's directory (configs and tokenizer; weights are not read)
          --max-num-seqs N                 most sequences in one step (default 256)
          --max-num-batched-tokens N       token budget of one step (default 2048)
          --no-enable-prefix-caching       turn the prefix cache off
          --num-kv-blocks N                KV blocks of the simulated cache (default: 256 sequences at --max-model-len)
          --max-model-len N                context length (default: the model's)
          --max-waiting-requests N         requests that may wait (default 4096)
          --seed N                         seed of the simulated tokens (default 0)
          --json FILE                      also write the report as JSON (bench serve's keys)

        workload JSON: {"requests": 200, "rate": 8, "seed": 1, "prompt_tokens": {"min": 128, "max": 512},
          "output_tokens": {"min": 64, "max": 128}, "image_fraction": 0.3, "image_size": 448, "shared_prefix_tokens": 0,
          "long_prompt_fraction": 0, "long_prompt_tokens": 4096, "cancel_fraction": 0, "cancel_after_s": 0.5}
          (rate null or 0: every request at time 0)
        """;

    private static readonly CliSyntax Syntax = new(
        Switches: new HashSet<string>(StringComparer.Ordinal) { "no-enable-prefix-caching" },
        Lists: new HashSet<string>(StringComparer.Ordinal),
        Valued: new HashSet<string>(StringComparer.Ordinal)
        {
            "profile", "workload", "model", "max-num-seqs", "max-num-batched-tokens", "num-kv-blocks", "max-model-len", "max-waiting-requests", "seed", "json",
        });

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        if (args.Any(a => a is "-h" or "--help"))
        {
            await stdout.WriteLineAsync(Usage);
            return 0;
        }
        var cli = CliOptions.Parse(args, Syntax);
        string Required(string name) => cli.Optional(name) ?? throw new CliException($"--{name} is required (qwenvl simulate --help)");
        var settings = new SimulationSettings(
            Count(cli, "max-num-seqs") ?? 256, Count(cli, "max-num-batched-tokens") ?? 2048, !cli.Flag("no-enable-prefix-caching"),
            Count(cli, "max-waiting-requests") ?? 4096, Count(cli, "num-kv-blocks"), Count(cli, "max-model-len"), Count(cli, "seed") ?? 0);
        try
        {
            var profile = StepCostProfileJson.Load(Required("profile"));
            var workload = SimulationWorkload.Load(Required("workload"));
            var model = ModelDirectory.Open(Required("model"));
            var (runner, executor, words) = SimulationSetup.Create(model, QwenTokenizer.Load(model.Path), profile, settings);
            using var _ = executor;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = await runner.RunAsync(WorkloadArrivals.Build(workload, words), cancellationToken);
            SimulationReport.Write(stdout, result, workload, clock.Elapsed, profile);
            if (cli.Optional("json") is { } json) SimulationReport.WriteJson(json, result, workload);
            return result.EndStateProblems().Count == 0 ? 0 : 1;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or ArgumentException or StepCostProfileException or Runtime.Checkpoint.CheckpointException)
        {
            throw new CliException(e.Message);
        }
    }

    private static int? Count(CliOptions cli, string name)
    {
        if (cli.Optional(name) is not { } text) return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 0
            ? n
            : throw new CliException($"--{name} must be a non-negative integer, got '{text}'");
    }
}
