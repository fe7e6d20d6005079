using System.Globalization;
using QwenVL.App.Composition;
using QwenVL.Bench.CostModel;
using QwenVL.Bench.Profile;
using QwenVL.Bench.Workloads;
using QwenVL.Cuda;
using QwenVL.Http.Configuration;
using QwenVL.Http.Server;

namespace QwenVL.App.Cli;

/// <summary>
/// `qwenvl bench profile`: measures the step cost model simulations use (<see cref="StepCostProfile"/>) on the real
/// executor: a sweep of hand-built steps without the scheduler or actors (<see cref="ProfileSweep"/>), a non-negative
/// fit (<see cref="ProfileFit"/>), then requests through the whole server for the request path's costs
/// (<see cref="ProfileRequestPath"/>); the profile is written to --out and the table of measured against modelled
/// times goes to stdout; progress and logs go to stderr.
/// </summary>
public static class ProfileCommand
{
    public const string Usage = """
        usage: qwenvl bench profile --model MODEL --out PROFILE.json [--device auto|cpu|cuda] [--quick]
                                    [--max-model-len N] [--block-size N]

          Times synthetic steps on the executor serve would run: prefill chunks at context 0 and at a longer
          context, decode batches at two context lengths (1 to 64 sequences on a GPU), a prefill beside a decode
          batch, and image encodes beside one decode; each the median of several runs after a warm-up. Then fits
          the step cost model (per step, per prompt token, per prompt token per 1k context, per decoding sequence,
          per 1k KV tokens read, per image patch) by non-negative least squares on relative error. Then serves the
          model on a loopback port and times requests one at a time beside a long background generation (text
          prompts, one picture of several sizes) from the client, as bench serve does: what their first token
          takes beyond their modelled steps is fitted
          as a cost per request and per image megapixel. Prints every measurement beside its modelled time and
          writes the profile with its measurements to PROFILE.json.

          --model MODEL                    model directory or Hub repo id, as for serve
          --out PROFILE.json               where the profile goes
          --device auto|cpu|cuda           executor (default auto)
          --quick                          fewer and smaller steps, fewer repeats: a smoke run, a rougher fit
          --max-model-len N, --block-size N   as for serve
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        if (await HelpRequest.AnsweredAsync(args, stdout, Usage)) return 0;
        var options = ProfileOptions.Parse(args);
        using var loggerFactory = LoggerFactory.Create(ServerLogging.ConfigureStandardError);
        using var model = await ServeCommand.OpenAsync(options.Serve, loggerFactory, loggerFactory.CreateLogger("QwenVL.Bench"), cancellationToken);
        StepCostProfile profile;
        try
        {
            profile = Measure(model, options, stderr);
            var requests = RequestPathPlan.For(BenchDevice.Of(model.Executor).IsGpu, options.Quick);
            profile = await ProfileRequestPath.MeasureAsync(serve => BuildServer(model, serve), options.Serve, model.Executor.Spec,
                model.Directory.Preprocessor, profile, requests, stderr, cancellationToken);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or CudaException)
        {
            await stderr.WriteLineAsync($"qwenvl bench profile: {e.Message}");
            return 1;
        }
        StepCostProfileJson.Save(profile, options.OutPath);
        await stdout.WriteAsync(ProfileTable.Format(profile));
        await stderr.WriteLineAsync($"profile: written to {options.OutPath}");
        return 0;
    }

    /// <summary>The server `serve` runs, quiet but for warnings: the request-path probes measure it.</summary>
    private static WebApplication BuildServer(LoadedModel model, ServeOptions serve) =>
        ServerApplication.Build(serve, model.ServedAs(serve), services => services.AddReplica(model, serve),
            logging => { ServerLogging.ConfigureStandardError(logging); logging.SetMinimumLevel(LogLevel.Warning); });

    private static StepCostProfile Measure(LoadedModel model, ProfileOptions options, TextWriter progress)
    {
        var executor = model.Executor;
        var device = BenchDevice.Of(executor);
        // The executor was sized by serve's defaults; the plan keeps within them.
        var limits = ReplicaSettings.Executor(options.Serve);
        var plan = ProfilePlan.For(device.IsGpu, options.Quick)
            .Within(limits.MaxTokensPerStep, limits.MaxSequencesPerStep, executor.Spec.MaxModelLength);
        progress.WriteLine($"profile: {device.Kind} ({device.Name}), warm-up {plan.Warmup}, median of {plan.Repeats}");
        var measurements = ProfileSweep.Run(executor, model.Directory.Config.Vision, plan, limits.MaxTokensPerStep,
            m => progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"profile: {m.Label}: {m.MeasuredMs:F3} ms")));
        var now = DateTimeOffset.UtcNow;
        var template = new StepCostProfile
        {
            Model = ModelName(options.Serve.Model),
            Device = device.Name,
            Executor = device.Kind,
            BlockSize = executor.Spec.BlockSize,
            MeasuredAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond)),
            KvBlockBytes = executor.KvCacheBytesPerBlock,
            StepOverheadMs = 0,
            PrefillMsPerToken = 0,
            PrefillMsPerTokenPer1kContext = 0,
            DecodeMsPerSequence = 0,
            AttentionMsPer1kKvTokens = 0,
            VisionMsPerPatch = 0,
        };
        return ProfileFit.Fit(template, measurements);
    }

    /// <summary>A local model by its folder's name (the full path says where it lay, not what it is); a Hub model by its repo id.</summary>
    private static string ModelName(string model) =>
        Directory.Exists(model) ? Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(model))) : model;
}
